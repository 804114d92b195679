# Shared shell helpers for the image pipeline and the node launchers.
# Sourced, never run. Callers use `set -euo pipefail`.

herd_log() { printf '%s: %s\n' "${HERD_PROG:-herd-image}" "$*" >&2; }
herd_die() { herd_log "error: $*"; exit 1; }

# Seconds since the epoch with milliseconds, for the timings the scripts print.
herd_now() { date +%s.%N; }
herd_elapsed() { awk -v a="$1" -v b="$(herd_now)" 'BEGIN { printf "%.1f", b - a }'; }

herd_require_root() {
  [[ $(id -u) -eq 0 ]] || herd_die "must run as root ($1)"
}

herd_require_tools() {
  local tool missing=()
  for tool in "$@"; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  [[ ${#missing[@]} -eq 0 ]] || herd_die "missing tools: ${missing[*]} (scripts/install-deps installs them)"
}

# herd_debian_mirror SUITE: the first Debian mirror URI in this machine's own
# apt sources that serves SUITE with component main. Reads deb822 files in
# /etc/apt/sources.list.d/*.sources and one-line sources.list entries;
# comments and disabled files are skipped. HERD_IMAGE_MIRROR overrides.
herd_debian_mirror() {
  local suite=$1
  if [[ -n ${HERD_IMAGE_MIRROR:-} ]]; then echo "$HERD_IMAGE_MIRROR"; return; fi
  local files=() f
  for f in /etc/apt/sources.list.d/*.sources; do [[ -f $f ]] && files+=("$f"); done
  if [[ ${#files[@]} -gt 0 ]]; then
    # deb822: blank-line separated stanzas of "Key: value" fields.
    awk -v suite="$suite" '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " suite " ") &&
            (" " comps " ") ~ / main / && uris != "" && enabled != "no") {
          split(uris, u, " "); print u[1]; found = 1; exit
        }
        types = suites = comps = uris = ""; enabled = ""
      }
      /^[[:space:]]*#/ { next }
      /^[[:space:]]*$/ { flush(); next }
      { key = tolower($1); sub(/:$/, "", key); $1 = ""; sub(/^ +/, "")
        if (key == "types") types = $0; else if (key == "uris") uris = $0
        else if (key == "suites") suites = $0; else if (key == "components") comps = $0
        else if (key == "enabled") enabled = tolower($0) }
      END { if (!found) flush() }
    ' "${files[@]}" | head -n1 | grep . && return
  fi
  local lists=()
  [[ -f /etc/apt/sources.list ]] && lists+=(/etc/apt/sources.list)
  for f in /etc/apt/sources.list.d/*.list; do [[ -f $f ]] && lists+=("$f"); done
  if [[ ${#lists[@]} -gt 0 ]]; then
    # One-line form: deb [options] URI SUITE COMPONENT...
    awk -v suite="$suite" '
      $1 == "deb" { i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
        if ($(i + 1) != suite) next
        for (c = i + 2; c <= NF; c++) if ($c == "main") { print $i; exit } }
    ' "${lists[@]}" | head -n1 | grep . && return
  fi
  herd_die "no apt source for Debian '$suite' main in /etc/apt (set HERD_IMAGE_MIRROR)"
}

# herd_tree_hash DIR...: a hash of the names, modes and contents of the files
# below each DIR (or of each file), stable across checkouts.
herd_tree_hash() {
  local p
  for p in "$@"; do
    if [[ -d $p ]]; then
      (cd "$p" && find . \( -type f -o -type l \) -printf '%p %m %l\n' | LC_ALL=C sort &&
        find . -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum)
    elif [[ -e $p ]]; then
      sha256sum <"$p"
    else
      echo "absent $p"
    fi
  done | sha256sum | cut -c1-16
}
