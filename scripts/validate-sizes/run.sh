#!/usr/bin/env bash
# Validate dlint's layer size estimates against real image builds, without a Docker
# engine. Results and method: docs/size-validation.md.
#
#   sudo scripts/validate-sizes/run.sh [options] [FIXTURE...]
#
# FIXTURE is a name from scripts/validate-sizes/fixtures/NAME.Dockerfile (default: all).
# Options:
#   --compare-only   skip building: compare the cached real sizes with dlint's estimates
#   --variant V      base image to build on: full (like debian:bookworm), slim (like
#                    debian:bookworm-slim) or both (default)
#   --rebuild        rebuild the fixtures (buildah --no-cache) even if their real sizes
#                    are cached
#   --keep           keep the built images (default: remove them and the vfs storage at
#                    the end; the real-size cache and the debootstrap root are kept)
#   --markdown FILE  also write the comparison as Markdown tables to FILE
#   --no-cargo       use target/release/dlint as it is (default: cargo build --release)
#
# What it does, as root, on a Debian machine:
#  1. apt-get installs debootstrap, buildah (and python3) when missing;
#  2. `debootstrap --variant=minbase bookworm` into WORK/rootfs (once; reused), then makes
#     base images from it in a private vfs store: `localhost/bookworm-minbase` is the root
#     with the apt/dpkg configuration Docker's official debian images carry (docker-clean,
#     GzipIndexes, no translations, bookworm + -updates + -security sources, no lists, no
#     logs), `localhost/bookworm-minbase-slim` also has debian:*-slim's dpkg path-excludes
#     (docs, man pages, locales) with those files removed;
#  3. builds every fixture with `buildah bud --layers --isolation chroot` (real
#     `apt-get install`s from the Debian mirror), pushes it to an OCI layout and measures
#     each layer (compressed blob, uncompressed tar, file bytes, where the bytes are);
#     the measurements are cached in WORK/real/VARIANT/NAME.json (keyed by the fixture's
#     hash, so an edited fixture is rebuilt);
#  4. runs `dlint layers --format json` on each fixture and prints estimated vs real
#     per layer, and the median error (compare.py).
#
# WORK is $DLINT_VALIDATE_DIR, else ${TMPDIR:-/tmp}/dlint-validate.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
fixtures=$here/fixtures
work=${DLINT_VALIDATE_DIR:-${TMPDIR:-/tmp}/dlint-validate}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
security_mirror=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
suite=bookworm
# Part of the real-size cache key: bump it when make_base changes what the bases contain.
base_recipe=2

compare_only=0
rebuild=0
keep=0
cargo=1
markdown=
variants=(full slim)
names=()
while (($#)); do
    case $1 in
    --compare-only) compare_only=1 ;;
    --rebuild) rebuild=1 ;;
    --keep) keep=1 ;;
    --no-cargo) cargo=0 ;;
    --markdown)
        markdown=$2
        shift
        ;;
    --variant)
        case $2 in
        full | slim) variants=("$2") ;;
        both) variants=(full slim) ;;
        *)
            echo "run.sh: --variant is full, slim or both" >&2
            exit 2
            ;;
        esac
        shift
        ;;
    -h | --help)
        sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
        exit 0
        ;;
    -*)
        echo "run.sh: unknown option $1" >&2
        exit 2
        ;;
    *) names+=("${1%.Dockerfile}") ;;
    esac
    shift
done
if ((${#names[@]} == 0)); then
    for f in "$fixtures"/*.Dockerfile; do
        n=${f##*/}
        names+=("${n%.Dockerfile}")
    done
fi
for n in "${names[@]}"; do
    [[ -f $fixtures/$n.Dockerfile ]] || {
        echo "run.sh: no fixture $fixtures/$n.Dockerfile" >&2
        exit 2
    }
done

# The cache key of a fixture's real sizes: its Dockerfile, its context, the base recipe.
fixture_key() {
    { echo "$base_recipe"; cat "$fixtures/$1.Dockerfile" "$fixtures"/files/*; } | sha256sum | cut -c1-16
}

log() { printf '\n== %s\n' "$*" >&2; }

mkdir -p "$work/real"
store=$work/storage
B() { buildah --storage-driver vfs --root "$store/root" --runroot "$store/run" "$@"; }

base_image() {
    case $1 in
    full) echo localhost/bookworm-minbase ;;
    slim) echo localhost/bookworm-minbase-slim ;;
    esac
}

# --- 1. tools -------------------------------------------------------------------------
install_tools() {
    local missing=()
    command -v debootstrap >/dev/null || missing+=(debootstrap)
    command -v buildah >/dev/null || missing+=(buildah)
    command -v python3 >/dev/null || missing+=(python3)
    command -v gzip >/dev/null || missing+=(gzip)
    if ((${#missing[@]})); then
        log "installing ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
}

# --- 2. base images -------------------------------------------------------------------
make_rootfs() {
    local root=$work/rootfs
    if [[ -f $root/.dlint-debootstrap-done ]]; then
        return
    fi
    log "debootstrap --variant=minbase $suite $root $mirror"
    rm -rf "$root"
    debootstrap --variant=minbase "$suite" "$root" "$mirror"
    touch "$root/.dlint-debootstrap-done"
}

# Copy the root into a new image, applying what debuerreotype does for Docker's official
# debian images (and, for slim, debuerreotype-slimify).
make_base() {
    local variant=$1 image
    image=$(base_image "$variant")
    if B inspect --type image "$image" >/dev/null 2>&1; then
        return
    fi
    log "making base image $image"
    local ctr mnt
    ctr=$(B from scratch)
    mnt=$(B mount "$ctr")
    (cd "$work/rootfs" && tar --exclude=./.dlint-debootstrap-done -cf - .) | tar -C "$mnt" -xpf -

    # apt: the official images' sources and minimizing configuration.
    rm -f "$mnt/etc/apt/sources.list"
    cat >"$mnt/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security_mirror
Suites: $suite-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    cat >"$mnt/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
    echo 'Acquire::GzipIndexes "true";' >"$mnt/etc/apt/apt.conf.d/docker-gzip-indexes"
    echo 'Acquire::Languages "none";' >"$mnt/etc/apt/apt.conf.d/docker-no-languages"
    echo 'Apt::AutoRemove::SuggestsImportant "false";' >"$mnt/etc/apt/apt.conf.d/docker-autoremove-suggests"
    echo 'force-unsafe-io' >"$mnt/etc/dpkg/dpkg.cfg.d/docker-apt-speedup"
    # Official images ship no lists, caches or logs.
    rm -rf "$mnt"/var/lib/apt/lists/* "$mnt"/var/cache/apt/*.bin "$mnt"/var/cache/apt/archives/*.deb
    mkdir -p "$mnt/var/lib/apt/lists/partial"
    rm -f "$mnt"/var/log/dpkg.log "$mnt"/var/log/bootstrap.log "$mnt"/var/log/alternatives.log \
        "$mnt"/var/log/apt/*.log "$mnt"/var/cache/ldconfig/aux-cache
    : >"$mnt/etc/resolv.conf"
    echo localhost >"$mnt/etc/hostname"

    if [[ $variant == slim ]]; then
        cat >"$mnt/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
# This is the "slim" variant of the Debian base image.
# Many files which are normally unnecessary in containers are excluded,
# and this configuration file keeps them that way.
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/overrides/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/man/*
EOF
        find "$mnt/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
        find "$mnt/usr/share/doc" -mindepth 1 -type d -empty -delete
        rm -rf "$mnt"/usr/share/{groff,info,linda,locale,man}/* "$mnt"/usr/share/lintian/overrides/*
    fi
    B umount "$ctr" >/dev/null

    # Official images are rebuilt with the current security and point updates; without
    # this, installs would upgrade base packages (perl-base, liblzma5, ...) in their layer.
    B run --isolation chroot "$ctr" -- sh -c 'apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive apt-get dist-upgrade -y -qq -o Dpkg::Use-Pty=0' \
        >"$work/base-$variant-upgrade.log" 2>&1 || {
        tail -20 "$work/base-$variant-upgrade.log" >&2
        echo "run.sh: upgrading the $variant base failed" >&2
        return 1
    }
    mnt=$(B mount "$ctr")
    rm -rf "$mnt"/var/lib/apt/lists/* "$mnt"/var/cache/apt/*.bin "$mnt"/var/cache/apt/archives/*.deb
    mkdir -p "$mnt/var/lib/apt/lists/partial"
    rm -f "$mnt"/var/log/dpkg.log "$mnt"/var/log/alternatives.log "$mnt"/var/log/apt/*.log \
        "$mnt"/var/cache/ldconfig/aux-cache
    B umount "$ctr" >/dev/null
    B config --cmd bash --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        --created-by "dlint validate-sizes: debootstrap --variant=minbase $suite ($variant)" "$ctr"
    B commit --quiet --rm "$ctr" "$image" >/dev/null
    mkdir -p "$work/real/$variant"
    {
        echo "image: $image ($(B images --format '{{.Size}}' "$image"))"
        echo "made: $(date -u +%Y-%m-%dT%H:%M:%SZ) from debootstrap --variant=minbase $suite $mirror"
        echo "upgraded on top of the debootstrap root:"
        grep -o '^Unpacking .* over ([^)]*)' "$work/base-$variant-upgrade.log" | sed 's/^Unpacking /  /' || true
    } >"$work/real/$variant/base.txt"
}

# --- 3. build and measure ---------------------------------------------------------------
build_fixture() {
    local variant=$1 name=$2
    local file=$fixtures/$name.Dockerfile
    local out=$work/real/$variant/$name.json
    local sha
    sha=$(fixture_key "$name")
    if ((!rebuild)) && [[ -f $out ]] && python3 "$here/compare.py" cached "$out" "$sha"; then
        echo "$variant/$name: real sizes cached" >&2
        return
    fi
    local image=localhost/dlint-validate/$variant-$name base
    base=$(base_image "$variant")
    log "building $name on $base"
    local nocache=()
    ((rebuild)) && nocache=(--no-cache)
    local t0=$SECONDS
    B bud --layers --isolation chroot "${nocache[@]}" --from "$base" -t "$image" \
        -f "$file" "$fixtures" >"$work/build-$variant-$name.log" 2>&1 || {
        tail -30 "$work/build-$variant-$name.log" >&2
        echo "run.sh: build of $name failed (log: $work/build-$variant-$name.log)" >&2
        return 1
    }
    local secs=$((SECONDS - t0))
    local oci=$work/oci/$variant-$name
    rm -rf "$oci"
    mkdir -p "$work/oci" "$work/real/$variant"
    B push --quiet "$image" "oci:$oci" >/dev/null
    local base_layers
    base_layers=$(B inspect --type image --format '{{len .OCIv1.History}}' "$base")
    python3 "$here/compare.py" measure "$oci" --fixture "$name" --variant "$variant" \
        --base "$base" --base-history "$base_layers" --sha "$sha" --build-seconds "$secs" \
        >"$out.tmp"
    mv "$out.tmp" "$out"
    rm -rf "$oci"
    echo "$variant/$name: built in ${secs}s, measured" >&2
}

cleanup() {
    if ((!keep)) && [[ -d $store ]]; then
        log "removing the built images and the vfs store"
        B rm -a >/dev/null 2>&1 || true
        B rmi -a -f >/dev/null 2>&1 || true
        rm -rf "$store" "$work/oci"
    fi
}

if ((!compare_only)); then
    [[ $(id -u) == 0 ]] || {
        echo "run.sh: run as root (debootstrap, buildah)" >&2
        exit 1
    }
    install_tools
    trap cleanup EXIT
    need_build=0
    for v in "${variants[@]}"; do
        for n in "${names[@]}"; do
            f=$work/real/$v/$n.json
            sha=$(fixture_key "$n")
            if ((rebuild)) || ! [[ -f $f ]] || ! python3 "$here/compare.py" cached "$f" "$sha"; then
                need_build=1
            fi
        done
    done
    if ((need_build)); then
        make_rootfs
        for v in "${variants[@]}"; do
            make_base "$v"
            for n in "${names[@]}"; do
                build_fixture "$v" "$n"
            done
        done
    else
        echo "all real sizes cached in $work/real (use --rebuild to build again)" >&2
    fi
fi

# --- 4. compare ---------------------------------------------------------------------------
if ((cargo)); then
    log "cargo build --release"
    (cd "$repo" && cargo build --release --quiet)
fi
args=(compare --work "$work" --dlint "$repo/target/release/dlint" --fixtures "$fixtures")
[[ -n $markdown ]] && args+=(--markdown "$markdown")
python3 "$here/compare.py" "${args[@]}" --variants "${variants[@]}" -- "${names[@]}"
