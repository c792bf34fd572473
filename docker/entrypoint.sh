#!/usr/bin/env bash
# jobmanager | taskmanager: write $FLINK_PROPERTIES (YAML lines) into a config
# folder and run Flink's own bin/ script in the foreground; anything else is
# passed to the sqlflow CLI.
set -euo pipefail

FLINK_HOME="$(python -c 'import pyflink, os; print(os.path.dirname(pyflink.__file__))')"
export FLINK_CONF_DIR=/opt/sqlflow/conf
export FLINK_LOG_DIR=/opt/sqlflow/state/log
mkdir -p "$FLINK_CONF_DIR" "$FLINK_LOG_DIR"

write_conf() {
  cp "$FLINK_HOME"/conf/log4j*.properties "$FLINK_CONF_DIR"/
  printf '%s\n' "${FLINK_PROPERTIES:-}" > "$FLINK_CONF_DIR/config.yaml"
  if ! command -v nvidia-smi >/dev/null 2>&1; then
    # no GPU visible in this container: leave the GPU plugin settings off
    sed -i '/^external-resource/d' "$FLINK_CONF_DIR/config.yaml"
  fi
}

case "${1:-}" in
  jobmanager)
    write_conf
    exec bash "$FLINK_HOME/bin/jobmanager.sh" start-foreground
    ;;
  taskmanager)
    write_conf
    exec bash "$FLINK_HOME/bin/taskmanager.sh" start-foreground
    ;;
  *)
    exec sqlflow "$@"
    ;;
esac
