#!/usr/bin/env bash
# End-to-end throughput of `advisor ask --jsonl`: process start, knowledge load, N questions (20 in rotation: ten
# article-worded, ten chat-style of every kind), exit.
# Usage: tests/Advisor.Benchmarks/jsonl-throughput.sh [N] (default 20000)
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-20000}
out=$(mktemp -d)
dotnet publish src/Advisor.Host -c Release -o "$out/app" -v quiet -nologo >/dev/null
questions=(
  "What skills does an AI Architect need?" "which IDE do ML research engineers use" "Do AI scientists need a PhD?"
  "How is success measured in AI research?" "who hires AI scientsts?" "What's the weather like in Berlin tomorrow?"
  "What do AI engineers deliver?" "what certifications help an AI architekt?" "What tools does an MLRE use?"
  "Where do AI researchers usually work?"
  "ok so what tools do AI scientists use, asking for a friend" "whats the education needed for an AI architect"
  "what skills does a data analyst need?" "can AI architects work remotely?" "should i become an ai scientist or mlre if i have a phd"
  "give me an overview of the AI architect role" "thanks!" "what eduction do ai sceintists have" "difference between ai architect and mlre"
  "im a data analyst, what skills do i need to become an ai architect?"
)
for ((i = 0; i < n; i++)); do
  printf '{"id": "%d", "question": "%s"}\n' "$i" "${questions[i % ${#questions[@]}]}"
done > "$out/in.jsonl"
start=$(date +%s.%N)
"$out/app/advisor" ask --jsonl --knowledge knowledge < "$out/in.jsonl" > "$out/out.jsonl"
end=$(date +%s.%N)
lines=$(wc -l < "$out/out.jsonl")
errors=$(grep -c '"error"' "$out/out.jsonl" || true)
awk -v n="$lines" -v s="$start" -v e="$end" -v err="$errors" 'BEGIN { t = e - s; printf "%d answers (%d errors) in %.2f s end to end = %.0f questions/s\n", n, err, t, n / t }'
rm -rf "$out"
