#!/usr/bin/env bash
# Starts gunicorn and the task worker together; Ctrl-C (or either one dying) stops both.
set -uo pipefail
cd "$(dirname "$0")/.."
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
venv=.venv/bin
# The access log names the path without its query string (%(U)s, not %(r)s) and leaves out the referrer: both may
# carry names or other personal data (a search such as ?q=...). X-Request-ID matches a line to the audit log.
access_log_format='%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s" %({x-request-id}o)s'

"$venv/gunicorn" bangkit.wsgi:application --bind "$HOST:$PORT" --workers "${WEB_WORKERS:-3}" \
  --access-logfile - --access-logformat "$access_log_format" --graceful-timeout 5 &
web=$!
"$venv/python" manage.py db_worker --interval 1 &
worker=$!

stop() { kill -TERM "$web" "$worker" 2>/dev/null; wait "$web" "$worker" 2>/dev/null; exit 0; }
trap stop INT TERM

"$venv/python" manage.py demo_logins
echo
echo "Bangkit is running at http://$HOST:$PORT/  (Ctrl-C stops the web server and the worker)"

wait -n "$web" "$worker"
echo "A process stopped; stopping the other." >&2
stop
