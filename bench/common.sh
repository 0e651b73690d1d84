# Shared by the load benchmarks (sourced, not run): a work directory with the bodies the backend serves, cleanup of
# everything started, and nginx configs. Expects $work to be set.
mkdir -p "$work/www" "$work/logs"
chmod 755 "$work" "$work/www"  # nginx workers run unprivileged
head -c 100 /dev/zero | tr '\0' 'a' > "$work/www/100"
head -c 65536 /dev/zero | tr '\0' 'b' > "$work/www/64k"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

nginx_conf() { # $1 name, $2 server block
  cat > "$work/$1.conf" <<CONF
daemon off; worker_processes 1; worker_rlimit_nofile 16384; pid $work/$1.pid; error_log $work/logs/$1.err warn;
events { worker_connections 16384; multi_accept on; }
http { access_log off; keepalive_requests 1000000; keepalive_timeout 75s; $2 }
CONF
}
