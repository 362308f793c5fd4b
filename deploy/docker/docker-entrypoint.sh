#!/bin/sh
# Container entrypoint: gives V8 a heap limit that fits the container's memory limit, then runs the command (tini
# is PID 1 and forwards signals to it). V8 sizes its heap from the host's memory, not the container's, so without
# this a busy process grows past its limit and is OOM-killed instead of collecting garbage.
#
# The heap limit is HEAP_PERCENT of the cgroup memory limit, split between the processes WEB_CONCURRENCY starts;
# the rest is for worker threads, buffers and native memory. A --max-old-space-size already in NODE_OPTIONS wins.
set -eu

HEAP_PERCENT=75
CGROUP_ROOT="${CGROUP_ROOT:-/sys/fs/cgroup}"

memory_limit_bytes() {
  if [ -r "$CGROUP_ROOT/memory.max" ]; then
    cat "$CGROUP_ROOT/memory.max"
  elif [ -r "$CGROUP_ROOT/memory/memory.limit_in_bytes" ]; then
    cat "$CGROUP_ROOT/memory/memory.limit_in_bytes"
  fi
}

processes() {
  count="${WEB_CONCURRENCY:-1}"
  case "$count" in
    auto) nproc ;;
    *[!0-9]* | 0) echo 1 ;;
    *) echo "$count" ;;
  esac
}

case " ${NODE_OPTIONS:-} " in
  *" --max-old-space-size="* | *" --max_old_space_size="*) ;;
  *)
    limit="$(memory_limit_bytes)"
    case "$limit" in
      '' | max | *[!0-9]*) ;;
      *)
        mib=$((limit / 1048576))
        # cgroup v1 reports "no limit" as a number near 2^63.
        if [ "$mib" -gt 0 ] && [ "$mib" -lt 1048576 ]; then
          heap=$((mib * HEAP_PERCENT / 100 / $(processes)))
          NODE_OPTIONS="--max-old-space-size=$heap${NODE_OPTIONS:+ $NODE_OPTIONS}"
          export NODE_OPTIONS
        fi
        ;;
    esac
    ;;
esac

exec "$@"
