// Registers every type with the builder. One file per type; order does not matter.
import './root.js';
import './errors.js';
import './enums.js';
import './account.js';
import './category.js';
import './user.js';
import './changelog-event.js';
import './counterparty.js';
import './entry.js';
import './entry-mutations.js';
import './entry-queries.js';
import './transfer.js';
