# Sourced by cmake/build-kernels.sh and native/build-native.sh (called by java/pom.xml as SCRIPT MODE BUILD_DIR
# OUT_DIR): the MODE argument shared by gpu-sr's optional native builds.
#   gpusr_build_mode TOPIC PROPERTY WHAT MODE BUILD_DIR OUT_DIR FILE
# returns for auto and require; exits 0 for skip (saying that the jar gets no WHAT, and that a FILE left in OUT_DIR by
# an earlier build stays there), 2 for an unknown mode or missing folders.
gpusr_build_mode() {
  local topic=$1 property=$2 what=$3 mode=$4 build_dir=$5 out_dir=$6 file=$7 note=""
  case "$mode" in
    skip)
      [[ -n "$out_dir" && -f "$out_dir/$file" ]] && note=" ($file from an earlier build stays in $out_dir until 'mvn clean')"
      echo "[gpu-sr] $topic: skipped (-D$property=skip): the jar gets no $what$note"
      exit 0 ;;
    auto|require) ;;
    *)
      echo "[gpu-sr] $topic: unknown mode '$mode' (-D$property takes auto, require or skip)" >&2
      exit 2 ;;
  esac
  if [[ -z "$build_dir" || -z "$out_dir" ]]; then
    echo "usage: $0 auto|require|skip BUILD_DIR OUT_DIR" >&2
    exit 2
  fi
}
