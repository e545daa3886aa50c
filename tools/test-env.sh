#!/usr/bin/env bash
# `make test`'s set-up (and so CI's): the Debian packages the tests use, installed when this runs
# as root, and the PostgreSQL and Mosquitto servers the integration tests talk to, started when
# they are down. Without root, a missing piece is named in one line with the command that fixes it.
# The product itself (`make run`) needs none of this.
set -euo pipefail

# chromium: browser tests (Playwright drives Debian's binary); fonts-noto-cjk: Chinese in its pages;
# poppler-utils: pdftotext/pdffonts/pdftoppm read the certificates and labels;
# mosquitto and postgresql: the real broker and database of the integration tests;
# ffmpeg and rtsp-server-perl: an RTSP server (ffmpeg publishing a looped clip to the relay) for
# the RTSP source's test
debs=(chromium fonts-noto-cjk poppler-utils mosquitto postgresql ffmpeg rtsp-server-perl)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "make test: missing Debian packages ${missing[*]}: run 'sudo apt-get install -y ${missing[*]}' (or make test as root)" >&2
    exit 1
  fi
  echo "test-env: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # the test starts its own relay on free ports; the package's service (port 554) stays off
  if [[ " ${missing[*]} " == *" rtsp-server-perl "* ]] && command -v systemctl >/dev/null; then
    systemctl disable --now rtsp-server-perl >/dev/null 2>&1 || true
  fi
fi

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {
  for _ in $(seq 1 60); do port_open "$1" && return 0; sleep 1; done
  echo "make test: nothing answers on 127.0.0.1:$1 ($2)" >&2
  return 1
}
need_root() {
  [ "$(id -u)" = 0 ] || { echo "make test: $1 is not running on 127.0.0.1:$2: start it with '$3' (or make test as root)" >&2; exit 1; }
}

if ! port_open 5432; then
  cluster="$(ls /etc/postgresql | head -n1)"
  need_root PostgreSQL 5432 "sudo pg_ctlcluster $cluster main start"
  echo "test-env: starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$cluster" main start
fi
wait_port 5432 PostgreSQL
psql -h 127.0.0.1 -U postgres -tc "select 1 from pg_database where datname='test'" | grep -q 1 \
  || createdb -h 127.0.0.1 -U postgres test

if ! port_open 1883; then
  need_root Mosquitto 1883 "sudo mosquitto -d -c /etc/mosquitto/mosquitto.conf"
  echo "test-env: starting Mosquitto"
  mosquitto -d -c /etc/mosquitto/mosquitto.conf
fi
wait_port 1883 Mosquitto
