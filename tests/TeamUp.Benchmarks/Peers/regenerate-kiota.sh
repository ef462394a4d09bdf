#!/usr/bin/env bash
# Regenerates the Kiota peer client (tests/TeamUp.Benchmarks/Peers/Kiota) from spec/teamup.openapi.yaml with the
# Kiota generator pinned in .config/dotnet-tools.json. The output is committed, so the benchmarks build without
# the tool; run this after a spec edit or a Kiota version bump and commit what changes.
# The runtime packages the output needs (Microsoft.Kiota.*) are pinned in Directory.Packages.props and referenced
# by the benchmarks project only: the SDK itself never depends on Kiota.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$root"
out=tests/TeamUp.Benchmarks/Peers/Kiota
dotnet tool restore >/dev/null
# Offline: no update check and no description downloads (the spec is a local file; CI has loopback only).
export KIOTA_OFFLINE_ENABLED=true
dotnet tool run kiota generate \
  --language CSharp \
  --openapi spec/teamup.openapi.yaml \
  --output "$out" \
  --namespace-name TeamUp.Benchmarks.Peers.Kiota \
  --class-name TeamUpKiotaClient \
  --exclude-backward-compatible \
  --clean-output \
  --log-level Warning
# The log names absolute paths of this machine; nothing in it is needed to build.
rm -f "$out/.kiota.log"
echo "Kiota client regenerated in $out"
