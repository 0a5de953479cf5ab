#!/usr/bin/env bash
# Installs the Debian packages the build and `make run` need, once. WITH_TEST_TOOLS=1 (as
# `make test` sets) adds what only the tests use: Prometheus and promtool (the monitoring pack's
# tests) and the Python Kubernetes client (PythonClientTests).
set -euo pipefail

packages=(redis-server redis-tools libhiredis-dev libcurl4-openssl-dev libyaml-dev libssl-dev libpcre2-dev openssl socat libnats-dev nats-server)
# Commands the tests and scripts call; any provider will do, so only install when absent.
command -v kubectl >/dev/null 2>&1 || packages+=(kubernetes-client)
command -v curl >/dev/null 2>&1 || packages+=(curl)
command -v python3 >/dev/null 2>&1 || packages+=(python3)
if [ "${WITH_TEST_TOOLS:-0}" = 1 ]; then
    # Debian's python3 makes virtual environments only with python3-venv (for the Python client tests).
    python3 -c 'import ensurepip' >/dev/null 2>&1 || packages+=(python3-venv)
fi
# wrk is the HTTP baseline; linux-perf profiles the 10,000-EventSource run and each missed figure (BENCHMARKS.md).
if [ "${WITH_BENCH_TOOLS:-0}" = 1 ]; then packages+=(wrk linux-perf); fi
if [ "${WITH_TEST_TOOLS:-0}" = 1 ]; then packages+=(prometheus redis-sentinel); fi

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

# The official Python Kubernetes client, a test-only dependency: PythonClientTests drive
# kube-testserver with it. It lives in a virtual environment under .build, so nothing global changes.
install_python_client() {
    [ "${WITH_TEST_TOOLS:-0}" = 1 ] || return 0
    local venv
    venv="$(cd "$(dirname "$0")/.." && pwd)/.build/python-kubernetes"
    "$venv/bin/python" -c 'import kubernetes' >/dev/null 2>&1 && return 0
    echo "Installing the Python kubernetes client into $venv" >&2
    python3 -m venv "$venv" && "$venv/bin/pip" install -q --disable-pip-version-check 'kubernetes>=30,<38' >&2
}

if [ ${#missing[@]} -eq 0 ]; then
    install_python_client
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "Missing Debian packages: ${missing[*]}" >&2
    echo "This machine has no apt-get: install their equivalents with your package manager (hiredis, libcurl," >&2
    echo "libyaml, OpenSSL and PCRE2 development files; redis-server, redis-sentinel and redis-cli; socat; kubectl; curl; python3), then run make again." >&2
    exit 1
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
# Debian's packages start a system redis-server on 6379 and a Sentinel on 26379; our tests and `make run` start their own.
if [ -n "$(command -v systemctl || true)" ] && [ "$(id -u)" -eq 0 ]; then
    systemctl disable --now redis-server >/dev/null 2>&1 || true
    # Likewise Debian's prometheus (and its node exporter): the tests run their own on a port they reserve.
    systemctl disable --now prometheus prometheus-node-exporter >/dev/null 2>&1 || true
    systemctl disable --now redis-sentinel >/dev/null 2>&1 || true
fi
install_python_client
