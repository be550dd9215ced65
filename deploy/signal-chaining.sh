# Sourced by the launchers (deploy/submit/common.sh, deploy/local/cluster.sh, bench/run): makes every JVM they
# start chain native signal handlers through the JDK's libjsig instead of losing its own.
#
# Why: pocl's LLVM, loaded by the OpenCL probe of backend.kind=auto (and by opencl), installs its crash
# handlers for SIGSEGV, SIGBUS, SIGILL and SIGFPE over the JVM's, one-shot (SA_RESETHAND). HotSpot takes
# SIGSEGV itself all the time (safepoint polls, implicit null checks): LLVM's handler puts the JVM's back and
# the access is retried, but a second thread faulting in between meets the default action and the process
# dies with a bare SIGSEGV (exit 139) and no hs_err file (2 of 7 evaluate runs of the README job,
# 2026-12-02; -Xcheck:jni reports "SIGSEGV handler modified"). With libjsig preloaded a library's
# sigaction is recorded as a chained handler and the JVM's stays in front (docs/opencl.md).
#
# SPARKCNN_JSIG: the libjsig.so to preload (default: the one of $JAVA_HOME, else of the java on PATH);
# "none" preloads nothing. Sets jsig_path (empty when none is used) for the wrappers that pass it on.
jsig_path="${SPARKCNN_JSIG:-}"
if [ -z "$jsig_path" ]; then
  if [ -n "${JAVA_HOME:-}" ] && [ -f "$JAVA_HOME/lib/libjsig.so" ]; then
    jsig_path="$JAVA_HOME/lib/libjsig.so"
  elif command -v java >/dev/null 2>&1; then
    jsig_path="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")/lib/libjsig.so"
  fi
fi
if [ "$jsig_path" = none ]; then
  jsig_path=""
elif [ -n "$jsig_path" ] && [ ! -f "$jsig_path" ]; then
  echo "warning: no $jsig_path (set SPARKCNN_JSIG to the JDK's lib/libjsig.so): an OpenCL probe through pocl can crash the JVM" >&2
  jsig_path=""
fi
if [ -n "$jsig_path" ]; then
  case ":${LD_PRELOAD:-}:" in
    *":$jsig_path:"*) ;;
    *) export LD_PRELOAD="$jsig_path${LD_PRELOAD:+:$LD_PRELOAD}" ;;
  esac
fi
