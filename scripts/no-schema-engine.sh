#!/bin/sh
# Stand-in for Prisma's native schema engine: `prisma generate` needs the path to exist but never runs it.
echo "allot: the native Prisma schema engine is not used here; see scripts/prisma-*.ts" >&2
exit 1
