#!/usr/bin/env bash
# Spark GPU discovery script for gpu-sr's Spark job: prints the node's GPUs in the JSON Spark's resource scheduling
# expects, e.g. {"name": "gpu", "addresses": ["0","1"]}. Point spark.executor.resource.gpu.discoveryScript (and, in
# local mode, spark.driver.resource.gpu.discoveryScript) at this file on every node. The addresses become the
# --device index gpu-sr opens, so they must be CUDA's device numbers as the executor sees them: nvidia-smi's indices
# on a plain host or in a container that exposes its GPUs whole (Docker --gpus, Kubernetes device plugin). Where
# CUDA_VISIBLE_DEVICES renumbers the devices for the executor, check that the two agree.
set -euo pipefail
if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "getGpusResources.sh: nvidia-smi not found; this node has no usable NVIDIA driver" >&2
  exit 1
fi
indices=$(nvidia-smi --query-gpu=index --format=csv,noheader)
addresses=""
for i in $indices; do
  i=${i//[[:space:]]/}
  [ -z "$i" ] && continue
  addresses="${addresses:+$addresses,}\"$i\""
done
echo "{\"name\": \"gpu\", \"addresses\": [$addresses]}"
