#!/usr/bin/env bash
# Writes the seed inputs of the fuzz targets (fuzz/, docs/hardening.md) from the
# files in data/ and configs/, into CORPUS/<target>/seed-*: the corpus folders
# that scripts/fuzz.sh grows. Seeds are cut to a few dozen rows: short inputs
# are what libFuzzer mutates fastest.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${1:-build/fuzz/corpus}"
rows=24
snapshot_files=(assets lending_markets protocol lending_balances perp_markets perp_accounts
                perp_positions venues)  # load_snapshot_fuzz.cpp's order

mkdir -p "$corpus"/{load_snapshot,run_config,price_history}

# load_snapshot: the files of a snapshot folder joined by NUL bytes; a part left
# empty is an absent file.
snapshot_seed() {  # folder, number of files to keep
  local folder=$1 keep=$2 i=0
  for name in "${snapshot_files[@]}"; do
    ((i > 0)) && printf '\0'
    ((i < keep)) && head -n "$rows" "$folder/$name.csv"
    i=$((i + 1))
  done
}
for keep in 1 2 3 4 7; do
  snapshot_seed data/sample "$keep" > "$corpus/load_snapshot/seed-sample-$keep"
done

# run_config: the configurations as they are.
for config in configs/*.toml; do
  cp "$config" "$corpus/run_config/seed-$(basename "$config" .toml)"
done

# price_history: each history file in the wide layout it has, and its first
# column in the long and OHLCV layouts (docs/calibration.md), with unix times.
for history in data/history/*.csv; do
  base=$(basename "$history" .csv)
  head -n "$rows" "$history" > "$corpus/price_history/seed-$base-wide"
  awk -F, -v rows="$rows" 'NR == 1 { asset = $2; print "timestamp,asset,price_usd"; next }
       NR <= rows { print $1 "," asset "," $2 }' "$history" > "$corpus/price_history/seed-$base-long"
  awk -F, -v rows="$rows" 'NR == 1 { asset = $2; print "https://www.cryptodatadownload.com/"
                                      print "Unix,Date,Symbol,Open,High,Low,Close,Volume"; next }
       NR <= rows { t = 1700000000000 + 3600000 * (rows - NR)  # newest first, in milliseconds
                    printf "%.0f,%s,%sUSDT,%s,%s,%s,%s,1\n", t, $1, asset, $2, $2, $2, $2 }' \
    "$history" > "$corpus/price_history/seed-$base-ohlcv"
done
echo "seeds in $corpus: $(find "$corpus" -name 'seed-*' | wc -l) files"
