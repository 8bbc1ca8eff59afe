#!/usr/bin/env bash
# starts x3c2 once the x4 run has ended
cd /work/train-run
while pgrep -f "x4fx3b/srcnn_x4.safetensors" > /dev/null; do sleep 10; done
exec x3c2/go.sh > x3c2/train.log 2>&1
