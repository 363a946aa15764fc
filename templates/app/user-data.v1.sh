#!/bin/bash
# promigrate app-user-data v1 — the web tier's first boot (Amazon Linux 2023).
# Replace it with your own (app.userData in the config); promigrate fills in
# {{port}}, {{healthCheckPath}} and {{siteUrl}} (empty when app.siteUrl is not set).
set -euo pipefail
dnf install -y nginx
SITE_URL='{{siteUrl}}'
ROOT=/usr/share/nginx/html
if [ -n "$SITE_URL" ]; then
  # A .tar.gz of the site's document root.
  curl -fsSL --retry 5 "$SITE_URL" -o /tmp/site.tgz
  rm -rf "${ROOT:?}"/*
  tar -xzf /tmp/site.tgz -C "$ROOT"
fi
HEALTH='{{healthCheckPath}}'
if [ "$HEALTH" != "/" ]; then
  mkdir -p "$ROOT$(dirname "$HEALTH")"
  echo ok > "$ROOT$HEALTH"
fi
sed -i "s/listen\s\+80;/listen {{port}};/; s/listen\s\+\[::\]:80;/listen [::]:{{port}};/" /etc/nginx/nginx.conf
systemctl enable --now nginx
