#!/usr/bin/env python3
"""Generate server/data/apt-bookworm-amd64.txt, the package index dlint estimates
`apt-get install` sizes from (server/src/layers/apt.rs).

Regenerate on a Debian 12 (bookworm) amd64 machine, as root, python3 stdlib only:

    apt-get update
    scripts/gen-apt-data.py > server/data/apt-bookworm-amd64.txt

Reads only the Debian archive's lists that `apt-get update` left in /var/lib/apt/lists
(releases whose InRelease says `Origin: Debian` and bookworm, bookworm-updates or
bookworm-security; main, amd64; third-party repositories are ignored), decompressing
them with `/usr/lib/apt/apt-helper cat-file`. Output is
deterministic for a given set of lists and installed packages: no wall-clock time is
written, only the InRelease `Date:` fields.

What it keeps per package (the candidate: highest version across the three suites):
Installed-Size (KiB), download Size (KiB, rounded up), Essential / Priority, and
Depends + Pre-Depends and Recommends. Each dependency is an alternative group `a | b`;
`:any` qualifiers are dropped, and so are alternatives whose candidate misses the
version constraint; each name is followed by the real packages that Provide it (at most
MAX_PROVIDERS, best first as apt's resolver orders them: Essential, then Priority, then
the name that sorts last), since an installed provider satisfies the dependency; a name
with no package of its own is replaced by its providers, and names that nothing
provides are dropped (apt would skip such a Recommends; such a Depends cannot be
installed anyway).

It also measures, on this machine:
- the Debian lists' size as stored (`Acquire::GzipIndexes`, as Docker's debian images set
  it: Packages kept lz4-compressed) and uncompressed (apt's default elsewhere);
- dpkg's per-package metadata: the mean size of the /var/lib/dpkg/info files and of a
  /var/lib/dpkg/status entry, over installed packages that come from the Debian index;
- the mean growth of the dpkg/apt logs per package installed;
- the share of those packages' installed bytes that debian:*-slim images leave out
  (their dpkg path-exclude rules for docs, man pages and locales).

Format (text, one record a line, `#` lines are comments):
    @key<TAB>value                      header facts
    name<TAB>isize<TAB>dsize<TAB>flag<TAB>depends<TAB>recommends
    =Kname<TAB>ref                      a virtual name with exactly one real provider
`flag`: E essential, r required, i important, s standard, o optional/extra.
Package lines are ordered by how often they are depended on (most first, then by name)
so that the references stay short: a reference is the package's line number among
package lines, in base 36. Groups are separated by `,`, alternatives by `|`.
Virtual lines are sorted and front-coded: K (one base-36 digit) is how many leading
characters the name shares with the previous virtual line's name; what follows is the
rest of the name. Virtual names provided by librust-*/libghc-* packages (one per crate
feature or ABI hash) are left out.
"""

import collections
import glob
import os
import re
import subprocess
import sys

LISTS = "/var/lib/apt/lists"
# The Debian archive's releases read, by InRelease `Origin:` and `Suite:`/`Codename:`
# (debian-security's InRelease says `Codename: bookworm-security`).
ORIGIN = "Debian"
SUITES = ("bookworm", "bookworm-updates", "bookworm-security")
PACKAGES = "_main_binary-amd64_Packages"
MAX_PROVIDERS = 4
PRIORITY_RANK = {"required": 0, "important": 1, "standard": 2, "optional": 3, "extra": 3}
PRIORITY_FLAG = {0: "r", 1: "i", 2: "s", 3: "o"}
DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
# Packages whose Provides are generated per crate feature / ABI hash (debcargo,
# haskell-devscripts): tens of thousands of names nobody installs by name.
GENERATED_PROVIDES = ("librust-", "libghc-")


def cat_file(path):
    """Decompressed text of an apt list file, whatever its compression."""
    out = subprocess.run(
        ["/usr/lib/apt/apt-helper", "cat-file", path], check=True, capture_output=True
    )
    return out.stdout


def stanzas(text):
    """Debian control stanzas as dicts (continuation lines folded, field names as is)."""
    for block in text.split("\n\n"):
        fields = {}
        key = None
        for line in block.split("\n"):
            if not line:
                continue
            if line[0] in " \t":
                if key is not None:
                    fields[key] += "\n" + line
                continue
            key, _, value = line.partition(":")
            fields[key] = value.strip()
        if fields:
            yield fields


# dpkg's version comparison (deb-version(7)).
def _order(c):
    if c == "~":
        return -1
    if c.isdigit():
        return 0
    if c.isalpha():
        return ord(c)
    return ord(c) + 256


def _compare_part(a, b):
    i = j = 0
    while i < len(a) or j < len(b):
        first_diff = 0
        while (i < len(a) and not a[i].isdigit()) or (j < len(b) and not b[j].isdigit()):
            ac = _order(a[i]) if i < len(a) else 0
            bc = _order(b[j]) if j < len(b) else 0
            if ac != bc:
                return ac - bc
            i += 1
            j += 1
        while i < len(a) and a[i] == "0":
            i += 1
        while j < len(b) and b[j] == "0":
            j += 1
        while i < len(a) and a[i].isdigit() and j < len(b) and b[j].isdigit():
            if not first_diff:
                first_diff = ord(a[i]) - ord(b[j])
            i += 1
            j += 1
        if i < len(a) and a[i].isdigit():
            return 1
        if j < len(b) and b[j].isdigit():
            return -1
        if first_diff:
            return first_diff
    return 0


def _split_version(v):
    epoch, _, rest = v.rpartition(":") if ":" in v else ("0", "", v)
    upstream, _, revision = rest.rpartition("-") if "-" in rest else (rest, "", "0")
    return int(epoch or 0), upstream, revision


def version_compare(a, b):
    ea, ua, ra = _split_version(a)
    eb, ub, rb = _split_version(b)
    if ea != eb:
        return ea - eb
    return _compare_part(ua, ub) or _compare_part(ra, rb)


# `name[:arch] [(op version)]`
RELATION = re.compile(
    r"^([^\s:(\[<]+)(?::[a-z0-9-]+)?\s*(?:\(\s*(<<|<=|=|>=|>>|<|>)\s*([^)\s]+)\s*\))?"
)


def parse_relations(value):
    """`a (>= 1) | b:any, c` -> [[("a", ">=", "1"), ("b", None, None)], [("c", None, None)]]."""
    groups = []
    for group in value.split(","):
        alts = []
        for alt in group.split("|"):
            m = RELATION.match(alt.strip())
            if m:
                alts.append(m.groups())
        if alts:
            groups.append(alts)
    return groups


def satisfies(version, op, wanted):
    """Whether `version` meets the relation `op wanted` (`None` op: any version)."""
    if op is None:
        return True
    if version is None:
        return False
    c = version_compare(version, wanted)
    # `<` and `>` are the obsolete spellings of `<=` and `>=`.
    if op == "<<":
        return c < 0
    if op in ("<=", "<"):
        return c <= 0
    if op == "=":
        return c == 0
    if op in (">=", ">"):
        return c >= 0
    return c > 0  # >>


def to_base36(n):
    if n == 0:
        return "0"
    out = []
    while n:
        n, r = divmod(n, 36)
        out.append(DIGITS[r])
    return "".join(reversed(out))


def release_fields(path):
    """The InRelease header fields (Origin, Suite, Codename, Date, ...)."""
    text = cat_file(path).decode("utf-8", "replace")
    if text.startswith("-----BEGIN PGP SIGNED MESSAGE-----"):
        text = text.split("\n\n", 1)[-1]  # past the armor header
    fields = {}
    for line in text.split("\n\n", 1)[0].splitlines():
        if ":" in line and line[0] not in " \t":
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return fields


def debian_lists():
    """{suite: (InRelease file, its Date, [Packages files])} for the Debian archive
    releases wanted. Translation files are left out: Docker's debian images do not fetch
    them (`Acquire::Languages "none"`)."""
    found = {}
    for f in sorted(os.listdir(LISTS)):
        if not f.endswith("_InRelease"):
            continue
        fields = release_fields(os.path.join(LISTS, f))
        suite = next(
            (s for s in SUITES if s in (fields.get("Suite"), fields.get("Codename"))), None
        )
        if fields.get("Origin") != ORIGIN or suite is None:
            continue
        prefix = f[: -len("InRelease")]
        lists = sorted(
            g
            for g in os.listdir(LISTS)
            if g.startswith(prefix) and g[len(prefix) - 1 :].startswith(PACKAGES)
        )
        found[suite] = (f, fields.get("Date"), lists)
    return found


def iso_date(date):
    """`Sat, 11 Jul 2026 10:16:37 UTC` -> `2026-07-11`."""
    months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    _, day, month, year = date.split()[:4]
    return f"{year}-{months.index(month) + 1:02d}-{int(day):02d}"


def measure_dpkg(index):
    """Mean /var/lib/dpkg/info bytes and status-entry bytes per installed package whose
    name and version are in the Debian index (third-party packages are left out)."""
    with open("/var/lib/dpkg/status", encoding="utf-8", errors="replace") as f:
        status = f.read()
    entries = {}
    for block in status.split("\n\n"):
        fields = dict(
            (k, v.strip())
            for k, _, v in (l.partition(":") for l in block.split("\n") if l and l[0] not in " \t")
        )
        if fields.get("Status", "").endswith(" installed"):
            size = len(block.encode("utf-8")) + 2  # with the blank line after it
            entries[fields["Package"]] = (fields.get("Version", ""), size)
    info = collections.Counter()
    for path in glob.glob("/var/lib/dpkg/info/*"):
        base = os.path.basename(path)
        if "." not in base:
            continue
        info[base.rsplit(".", 1)[0].split(":", 1)[0]] += os.path.getsize(path)
    chosen = sorted(
        n for n, (v, _) in entries.items() if n in index and index[n]["Version"] == v
    )
    if not chosen:
        return [], 0, 0
    info_mean = sum(info[n] for n in chosen) // len(chosen)
    status_mean = sum(entries[n][1] for n in chosen) // len(chosen)
    return chosen, info_mean, status_mean


# debian:*-slim images' /etc/dpkg/dpkg.cfg.d/docker: paths dpkg does not unpack.
SLIM_EXCLUDED = re.compile(r"^/usr/share/(doc|groff|info|linda|lintian/overrides|locale|man)/")
SLIM_INCLUDED = re.compile(r"^/usr/share/doc/[^/]+/copyright$")


def measure_slim_excluded(names):
    """Per mille of the installed bytes of `names` (regular files listed in
    /var/lib/dpkg/info/*.list) that debian:*-slim images' path-exclude rules skip."""
    total = excluded = 0
    for name in names:
        lists = glob.glob(f"/var/lib/dpkg/info/{glob.escape(name)}.list") + glob.glob(
            f"/var/lib/dpkg/info/{glob.escape(name)}:*.list"
        )
        for path in lists:
            with open(path, encoding="utf-8", errors="replace") as f:
                for file in f.read().splitlines():
                    if os.path.islink(file) or not os.path.isfile(file):
                        continue
                    size = os.path.getsize(file)
                    total += size
                    if SLIM_EXCLUDED.match(file) and not SLIM_INCLUDED.match(file):
                        excluded += size
    return excluded * 1000 // total if total else 0


def measure_logs():
    """Mean bytes the install logs (/var/log/dpkg.log, /var/log/apt/history.log and
    term.log) grow by per package installed, over what this machine's dpkg.log records."""
    try:
        with open("/var/log/dpkg.log", encoding="utf-8", errors="replace") as f:
            installs = sum(1 for line in f if " install " in line)
    except OSError:
        return 0
    total = 0
    for path in ("/var/log/dpkg.log", "/var/log/apt/history.log", "/var/log/apt/term.log"):
        try:
            total += os.path.getsize(path)
        except OSError:
            pass
    return total // installs if installs else 0


def main():
    releases = debian_lists()
    packages_lists = [f for _, _, lists in releases.values() for f in lists]
    if not packages_lists:
        sys.exit("no Debian bookworm amd64 Packages lists: run `apt-get update` first")
    if any(f.endswith(PACKAGES) for f in packages_lists):
        sys.exit(
            "the Packages lists are stored uncompressed: generate where apt has"
            ' Acquire::GzipIndexes "true" (as Docker\'s debian images do), so that'
            " @lists_stored is what those images keep"
        )

    dates = {}
    stored = uncompressed = 0
    index = {}
    for suite, (inrelease, date, lists) in sorted(releases.items()):
        dates[suite] = date
        for f in [inrelease] + lists:
            path = os.path.join(LISTS, f)
            text = cat_file(path)
            stored += os.path.getsize(path)
            uncompressed += len(text)
            if PACKAGES not in f:
                continue
            for p in stanzas(text.decode("utf-8", "replace")):
                name = p["Package"]
                old = index.get(name)
                if old is None or version_compare(p["Version"], old["Version"]) > 0:
                    index[name] = p

    # provided name -> [(provider, provided version or None)]
    providers = collections.defaultdict(list)
    for name, p in index.items():
        for ((provided, _, version),) in parse_relations(p.get("Provides", "")):
            if provided != name:
                providers[provided].append((name, version))

    # apt's CompareProviders: Essential first, then Priority, then the package created
    # last in apt's cache; packages are created roughly in the (name-sorted) order of the
    # Packages file, so the name that sorts last.
    def rank(entry):
        p = index[entry[0]]
        essential = 0 if p.get("Essential") == "yes" else 1
        return (essential, PRIORITY_RANK.get(p.get("Priority", "optional"), 3))

    for v in providers.values():
        v.sort(key=lambda e: e[0], reverse=True)
        v.sort(key=rank)

    def resolve(groups, owner):
        """Alternative groups as real package names. apt counts an installed provider as
        satisfying a dependency even on a real package (sysvinit-utils Provides lsb-base),
        and installs the real package itself when nothing satisfies it. Alternatives whose
        candidate misses the version constraint (`perl (<< 5.19)`) are dropped; so is a
        group the package satisfies itself."""
        out = []
        for alts in groups:
            real = []
            for name, op, version in alts:
                candidates = []
                if name in index and satisfies(index[name]["Version"], op, version):
                    candidates.append(name)
                matching = [n for n, v in providers.get(name, []) if satisfies(v, op, version)]
                candidates += matching[:MAX_PROVIDERS]
                for c in candidates:
                    if c not in real:
                        real.append(c)
            if owner in real:
                continue
            if real:
                out.append(real)
        return out

    deps = {}
    recs = {}
    used = collections.Counter()
    for name, p in index.items():
        d = resolve(
            parse_relations(p.get("Pre-Depends", "")) + parse_relations(p.get("Depends", "")),
            name,
        )
        r = resolve(parse_relations(p.get("Recommends", "")), name)
        deps[name], recs[name] = d, r
        for g in d + r:
            for a in g:
                used[a] += 1

    order = sorted(index, key=lambda n: (-used[n], n))
    ref = {n: to_base36(i) for i, n in enumerate(order)}

    def encode(groups):
        return ",".join("|".join(ref[a] for a in g) for g in groups)

    newest = max(iso_date(d) for d in dates.values() if d)
    installed, info_mean, status_mean = measure_dpkg(index)
    log_mean = measure_logs()
    slim_permille = measure_slim_excluded(installed)

    w = sys.stdout.write
    w("# dlint apt index: generated by scripts/gen-apt-data.py (see its docstring); do not edit.\n")
    w("# Source: Debian archive Packages lists for amd64, main, from /var/lib/apt/lists:\n")
    for suite in sorted(dates):
        w(f"#   {suite}: InRelease Date: {dates[suite]}\n")
    w("@format\t1\n")
    w(f"@description\tDebian bookworm amd64 index of {newest}\n")
    w(f"@date\t{newest}\n")
    w("# Bytes the Debian lists (InRelease, Packages) take in /var/lib/apt/lists after\n")
    w("# `apt-get update`: as stored with Acquire::GzipIndexes (Docker's debian images set\n")
    w("# it: Packages kept lz4-compressed), and uncompressed (apt's default elsewhere).\n")
    w(f"@lists_stored\t{stored}\n")
    w(f"@lists_uncompressed\t{uncompressed}\n")
    w(f"# Mean dpkg metadata per installed package, over the {len(installed)} installed\n")
    w("# packages of the generating machine that come from this index:\n")
    w("# /var/lib/dpkg/info files, and one /var/lib/dpkg/status entry.\n")
    w(f"@dpkg_info_per_package\t{info_mean}\n")
    w(f"@dpkg_status_per_package\t{status_mean}\n")
    w("# Mean growth of /var/log/dpkg.log and /var/log/apt/{history,term}.log per package\n")
    w("# installed, over the installs this machine's dpkg.log records.\n")
    w(f"@log_per_package\t{log_mean}\n")
    w("# Per mille of those packages' installed bytes that debian:*-slim images do not\n")
    w("# unpack (dpkg path-exclude of /usr/share/{doc,man,locale,info,groff,...}).\n")
    w(f"@slim_excluded_permille\t{slim_permille}\n")
    w(f"@packages\t{len(order)}\n")
    w("# name\tInstalled-Size KiB\tSize KiB\tflag\tdepends\trecommends\n")
    for n in order:
        p = index[n]
        flag = "E" if p.get("Essential") == "yes" else PRIORITY_FLAG[
            PRIORITY_RANK.get(p.get("Priority", "optional"), 3)
        ]
        isize = int(p.get("Installed-Size", "0") or 0)
        dsize = (int(p.get("Size", "0") or 0) + 1023) // 1024
        w(f"{n}\t{isize}\t{dsize}\t{flag}\t{encode(deps[n])}\t{encode(recs[n])}\n")
    previous = ""
    for v in sorted(providers):
        only = [n for n, _ in providers[v]]
        if v in index or len(only) != 1 or only[0].startswith(GENERATED_PROVIDES):
            continue
        shared = 0
        limit = min(len(previous), len(v), len(DIGITS) - 1)
        while shared < limit and previous[shared] == v[shared]:
            shared += 1
        w(f"={DIGITS[shared]}{v[shared:]}\t{ref[only[0]]}\n")
        previous = v


if __name__ == "__main__":
    main()
