# Shared by the .ci scripts: the PostgreSQL server at 127.0.0.1:5432 and a process's HTTP answers.

PG_URL_BASE=postgres://postgres@127.0.0.1:5432

# A database of its own on the server (dropped first if a previous run left it).
fresh_database() {
  dropdb -h 127.0.0.1 -U postgres --if-exists --force "$1"
  createdb -h 127.0.0.1 -U postgres "$1"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for_http URL SECONDS PID: until URL answers 200, the process PID dies (failure) or time runs out.
wait_for_http() {
  local url=$1 seconds=$2 pid=$3
  for _ in $(seq "$seconds"); do
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then return 0; fi
    kill -0 "$pid" 2>/dev/null || { echo "the server exited before answering $url"; return 1; }
    sleep 1
  done
  echo "no answer from $url after $seconds s"
  return 1
}

# Stop a process started with setsid, and every process of its group (runserver's reloader child).
stop_group() {
  kill -- "-$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
