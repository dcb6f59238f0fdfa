#!/usr/bin/env bash
# Starts a throw-away Orthanc (DICOMweb plugin, auth on, remote access off, temp storage), uploads the 134-slice
# abdomen CT from ../shared/data (read in place), runs `node dist/bench/wado.js` against it, and stops Orthanc.
# Usage: npm run build && bench/wado.sh [--runs N]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
data="${GSDIFF_SHARED_DATA:-$here/../shared/data}/ct-human-abdomen-pancreatic-ct-cbct-seg"
[ -d "$data" ] || { echo "bench/wado.sh: $data missing: expected ../shared/data beside the clone" >&2; exit 1; }
[ -f "$here/dist/bench/wado.js" ] || { echo "bench/wado.sh: dist/bench/wado.js missing: run npm run build" >&2; exit 1; }

free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
dir="$(mktemp -d -t gsdiff-wado-bench-XXXXXX)"
http_port="$(free_port)"
dicom_port="$(free_port)"
user=bench
password="pw-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
cat > "$dir/orthanc.json" <<JSON
{
  "Name": "gsdiff-wado-bench", "StorageDirectory": "$dir/storage", "IndexDirectory": "$dir/storage",
  "HttpPort": $http_port, "DicomPort": $dicom_port, "RemoteAccessAllowed": false,
  "AuthenticationEnabled": true, "RegisteredUsers": { "$user": "$password" },
  "Plugins": ["/usr/share/orthanc/plugins/libOrthancDicomWeb.so"],
  "DicomWeb": { "Enable": true, "Root": "/dicom-web/", "EnableWado": false, "Ssl": false },
  "StorageCompression": false, "HttpTimeout": 60
}
JSON
Orthanc "$dir/orthanc.json" 2> "$dir/orthanc.log" &
orthanc_pid=$!
cleanup() { kill "$orthanc_pid" 2>/dev/null && wait "$orthanc_pid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT

url="http://127.0.0.1:$http_port"
for _ in $(seq 1 100); do curl -sf -u "$user:$password" "$url/system" >/dev/null && break; sleep 0.1; done
for f in "$data"/*.dcm; do
  curl -sf -u "$user:$password" -X POST -H 'content-type: application/dicom' --data-binary "@$f" "$url/instances" >/dev/null
done
series_id="$(curl -sf -u "$user:$password" "$url/series" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[0]))')"
series_uid="$(curl -sf -u "$user:$password" "$url/series/$series_id" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).MainDicomTags.SeriesInstanceUID))')"
node --expose-gc "$here/dist/bench/wado.js" --url "$url" --user "$user" --password "$password" --series "$series_uid" "$@"
