#!/usr/bin/env bash
# Copies the pinned front-end packages of package.json into bangkit/static/vendor/ (committed).
# Run after changing a version in package.json; needs Node and npm, which nothing else does.
set -euo pipefail
cd "$(dirname "$0")/.."
npm install --no-audit --no-fund --ignore-scripts
dest=bangkit/static/vendor
rm -rf "$dest" && mkdir -p "$dest"/{bootstrap,bootstrap-icons/fonts,chartjs,leaflet/images}
cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map "$dest/bootstrap/"
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map "$dest/bootstrap/"
cp node_modules/bootstrap/LICENSE "$dest/bootstrap/"
cp node_modules/bootstrap-icons/font/bootstrap-icons.min.css "$dest/bootstrap-icons/"
cp node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff2 node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff "$dest/bootstrap-icons/fonts/"
cp node_modules/bootstrap-icons/LICENSE "$dest/bootstrap-icons/"
cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/LICENSE.md "$dest/chartjs/"
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/LICENSE "$dest/leaflet/"
cp node_modules/leaflet/dist/images/*.png "$dest/leaflet/images/"
node -e 'const p=require("./package.json");const v={};for(const n of Object.keys(p.dependencies))v[n]=require(`./node_modules/${n}/package.json`).version;console.log(JSON.stringify(v,null,2))' > "$dest/VERSIONS.json"
echo "vendored into $dest:" && cat "$dest/VERSIONS.json"
