#!/usr/bin/env bash
# Issue 4 benchmarks, end to end:
#  1. a 2,000-unit batch of 入伙通知书 through the CLI (`handover notices batch`), combined and one
#     file per unit: wall time and peak memory (GNU time);
#  2. the same single notice printed the web-stack way, as HTML by headless Chromium (Debian's
#     `chromium`, installed here if missing): cold (a new browser per document) and warm (one
#     browser, playwright-core driving it), beside printpdf in-process (criterion).
# Results go into docs/benchmarks.md.   bash tests/bench/notices.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v /usr/bin/time >/dev/null || sudo_apt=1
need=()
[ -x /usr/bin/time ] || need+=(time)
command -v chromium >/dev/null || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  $( [ "$(id -u)" = 0 ] || echo sudo ) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null
fi
cargo build --release -q -p cli
# Signed in as the benchmark database's own administrator (created here; the password only for this run).
export HANDOVER_PASSWORD=bench-password-1
h="target/release/handover --db $work/bench.db --user bench"
$h admin init >/dev/null
echo "== 2,000-unit batch (2,016 sold units of buildings 1–40; $(nproc) cores)"
target/release/handover units sample "$work/s.xlsx" --units 3000 >/dev/null
$h units import "$work/s.xlsx" >/dev/null
buildings=$(seq -s, -f '%g栋' 1 40)
$h movein plan --project 示例花园 --name 第一批 --from 2099-12-01 --to 2099-12-20 --buildings "$buildings" \
  --period 上午,09:00,12:00,60 --period 下午,14:00,17:30,60
$h fees requote --project 示例花园 --region national --fund-per-m2 65.00 >/dev/null
for mode in --combined ""; do
  rm -rf "$work/out"
  /usr/bin/time -f "   wall %e s, peak RSS %M KB" $h notices batch --doc move-in-notice --batch 1 --out "$work/out" $mode 2>&1 | grep -v '^已排版' | sed 's/\r.*//' 
  echo "   $(ls "$work/out" | wc -l) file(s), $(du -sk "$work/out" | cut -f1) KB in all ${mode:+(combined)}"
done

echo "== one notice: printpdf in-process (criterion)"
cargo bench -q -p notices --bench render -- move_in_notice_one_page 2>/dev/null | grep -E "time:" | sed 's/^/   /'
target/release/handover notices render --doc move-in-notice --sample --out "$work/printpdf.pdf"
echo "   size $(stat -c %s "$work/printpdf.pdf") bytes"

echo "== one notice: headless Chromium"
font="$root/src-tauri/crates/notices/assets/fonts/NotoSansSC-Regular.ttf"
sed "s#FONT_URL#file://$font#" tests/bench/move-in-notice.html > "$work/notice.html"
cold() {
  local t0 t1
  t0=$(date +%s%N)
  chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer --user-data-dir="$work/profile-$1" \
    --print-to-pdf="$work/cold-$1.pdf" "file://$work/notice.html" >/dev/null 2>&1
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 ))
}
times=()
for i in 1 2 3 4 5; do times+=("$(cold $i)"); done
echo "   cold (new browser each): ${times[*]} ms; size $(stat -c %s "$work/cold-1.pdf") bytes"
mkdir -p "$work/pw" && (cd "$work/pw" && npm init -y >/dev/null && npm install --silent playwright-core@1 >/dev/null 2>&1)
cat > "$work/pw/warm.mjs" <<'JS'
import { chromium } from 'playwright-core'
const [html, out] = process.argv.slice(2)
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] })
const page = await browser.newPage()
const times = []
let size = 0
for (let i = 0; i < 21; i++) {
  const t0 = performance.now()
  await page.goto('file://' + html)
  const pdf = await page.pdf({ format: 'A4', path: out })
  times.push(performance.now() - t0)
  size = pdf.length
}
times.shift() // the first includes the font's first load
times.sort((a, b) => a - b)
console.log(`   warm (one browser, 20 documents): median ${times[10].toFixed(1)} ms, min ${times[0].toFixed(1)} ms; size ${size} bytes`)
await browser.close()
JS
node "$work/pw/warm.mjs" "$work/notice.html" "$work/warm.pdf"
