# Sourced by the scripts that run one of Tributary's tool jars.
# require_jar NAME MODULE JAR: builds MODULE (and what it needs) when JAR is missing; says so on stderr as NAME.
require_jar() {
  local name=$1 module=$2 jar=$3 root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  [ -f "$jar" ] && return 0
  echo "$name: building $jar first (mvn -B package -pl $module -am -DskipTests)" >&2
  if ! (cd "$root" && mvn -B package -pl "$module" -am -DskipTests -Dstyle.color=never \
        | sed -e 's/\x1b\[[0-9;]*m//g' | grep -E '^\[INFO\] Building .*\[[0-9]+/[0-9]+\]$|BUILD|ERROR' >&2); then
    echo "$name: the build failed; run the command above to see why" >&2
    exit 1
  fi
}
