# The jq side of bench/run.sh: the same rows as `tsh-review recent --format tsv`, computed from
# the same `tctl recordings ls --format=json` bytes. It does the same work: pick the four
# session-end kinds and app chunks, one row per sid (an app session's start and end are its
# earliest and latest chunk), the per-kind login and target, the window check on the end time,
# newest first by start (exact to the nanosecond, then by id), duration in ms, the flags, TSV.
# It does not look for instruction-like text or escape control characters (tsh-review does);
# the generated data has neither, so on it the output is byte for byte the same.
#
#   jq -r --argjson from '[SECS,NANOS]' --argjson to '[SECS,NANOS]' -f bench/recent.jq FILE

# "2026-06-03T20:38:49.621446047Z" -> [seconds, nanoseconds]; UTC ("Z") only, as tctl prints.
def ts:
  [ (.[0:19] + "Z" | fromdateiso8601),
    (if length > 20 then (.[20:-1] + "000000000")[0:9] | tonumber else 0 end) ];
def ms: ts | .[0] * 1000 + (.[1] / 1000000 | floor);
def first_set: map(select(. != null and . != "")) | .[0];

def kind:
  if .event == "session.end" then
    (if (if .proto != null then .proto == "kube" else .kubernetes_cluster != null end)
     then "k8s" else "ssh" end)
  elif .event == "db.session.end" then "db"
  elif .event == "windows.desktop.session.end" then "desktop"
  elif .event == "app.session.chunk" then "app"
  else empty end;

def row:
  kind as $k
  | { id: .sid,
      kind: $k,
      user: (.user // ""),
      login: (if $k == "ssh" or $k == "k8s" then .login
              elif $k == "db" then .db_user
              elif $k == "desktop" then .windows_user
              else null end),
      target: (if $k == "ssh" then [.server_hostname, .server_addr, .server_id] | first_set
               elif $k == "k8s" then .kubernetes_cluster
               elif $k == "db" then [.db_name, .db_service] | first_set
               elif $k == "desktop" then [.desktop_name, .desktop_addr] | first_set
               else .app_name end),
      start: (if $k == "app" then .time else .session_start end),
      end: (if $k == "app" then .time else (.session_stop // .time) end),
      recorded: (if $k == "desktop" then .recorded else null end),
      interactive };

[ (. // [])[] | select((.sid // "") != "") | row ]
# One row per sid; the first event decides, app chunks widen their session.
| group_by(.id)
| map(.[0] as $first
      | if $first.kind == "app" then
          map(select(.kind == "app")) as $chunks
          | $first + { start: ($chunks | map(.start | select(.)) | min_by(ts)),
                       end: ($chunks | map(.end | select(.)) | max_by(ts)) }
        else $first end)
# The window: a session belongs to the window in which it ended.
| map(select((.end // .start) as $w | $w == null or ($w | ts) as $t | $t >= $from and $t <= $to))
| sort_by([ ((.start // .end) | if . then ts | map(-.) else [infinite] end), .id ])
| .[]
| [ .id, .kind, .user, (.login // ""), (.target // ""), (.start // ""), (.end // ""),
    (if .start and .end then ((.end | ms) - (.start | ms)) as $d
       | if $d >= 0 then $d | tostring else "" end
     else "" end),
    "",
    ([ if .recorded == false then "not-recorded" else empty end,
       if .interactive == false then "non-interactive" else empty end ] | join(",")),
    "" ]
| @tsv
