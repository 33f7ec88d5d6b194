#!/usr/bin/env bash
# Makes (once) a Debian trixie chroot with swiftlang 6.0.3 for the Swift binding tests, and prints its path.
# Reused when its stamp file is present; a half-made chroot (no stamp) is removed and made again.
#   ILP_TOOLS_DIR   cache for tools, outside the checkout (default ~/.cache/ilp-tools)
#   ILP_SWIFT_ROOT  the chroot directory (default $ILP_TOOLS_DIR/trixie-swift)
#   ILP_DEBIAN_MIRROR (default http://deb.debian.org/debian)
set -euo pipefail
shopt -s inherit_errexit

TOOLS_DIR="${ILP_TOOLS_DIR:-$HOME/.cache/ilp-tools}"
ROOT="${ILP_SWIFT_ROOT:-$TOOLS_DIR/trixie-swift}"
MIRROR="${ILP_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
STAMP="$ROOT/.ilp-swift-ready"
# Bump when the package list changes so existing chroots are remade.
STAMP_CONTENT="trixie minbase swiftlang libc6-dev ca-certificates v1"

# Run quietly; show the output only if it fails.
quiet() { local out; if ! out="$("$@" 2>&1)"; then printf '%s\n' "$out" | tail -30 >&2; return 1; fi; }
log() { echo "swift-toolchain: $*" >&2; }

if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$STAMP_CONTENT" ]]; then
    echo "$ROOT"
    exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
    log "making the chroot needs root (mmdebstrap, mount, chroot)"; exit 1
fi

if ! command -v mmdebstrap >/dev/null 2>&1; then
    log "installing mmdebstrap on the host"
    export DEBIAN_FRONTEND=noninteractive
    quiet apt-get update
    quiet apt-get install -y mmdebstrap
fi

if [[ -e "$ROOT" ]]; then
    log "removing half-made chroot $ROOT"
    # Never recurse into a still-mounted /proc or bind mount.
    for m in $(awk -v r="$ROOT" '$2 == r || index($2, r "/") == 1 {print $2}' /proc/mounts | sort -r); do
        umount -l "$m" || true
    done
    rm -rf --one-file-system "$ROOT"
fi
mkdir -p "$(dirname "$ROOT")"

log "creating trixie chroot with swiftlang in $ROOT (about 2.5 GB, several minutes)"
start=$SECONDS
mmdebstrap --quiet --variant=minbase --include=swiftlang,libc6-dev,ca-certificates \
    trixie "$ROOT" "$MIRROR" >&2
# Keep the chroot small: downloaded .debs are not needed afterwards.
rm -rf "$ROOT"/var/cache/apt/archives/*.deb
# swift finds its libraries through /proc/self/exe, so check it with /proc mounted (in a private mount
# namespace: nothing stays mounted, whatever happens).
unshare --mount --propagation private sh -c 'mount -t proc proc "$1/proc" && chroot "$1" swift --version' sh "$ROOT" >&2
echo "$STAMP_CONTENT" > "$STAMP"
log "chroot ready in $((SECONDS - start)) s"
echo "$ROOT"
