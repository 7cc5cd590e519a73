#!/usr/bin/env bash
# Installs Erlang/OTP (Debian's erlang-base: `erl` and `erlc`), so that `npm run bench -- actors` runs
# the same workloads on BEAM in the same run (apps/bench/erlang/beamish_bench.erl). Optional: the
# bench runs without it, against BEAM's figures from DESIGN.md. Needs root and Debian's packages.
set -euo pipefail
if command -v erl >/dev/null && command -v erlc >/dev/null; then
  echo "erl is installed: $(erl -noshell -eval 'io:format("OTP ~s", [erlang:system_info(otp_release)]), halt().')"
  exit 0
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq erlang-base
erl -noshell -eval 'io:format("installed OTP ~s~n", [erlang:system_info(otp_release)]), halt().'
