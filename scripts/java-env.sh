# Sourced by the project's scripts: exports JAVA_HOME for a JDK 21+ (Temurin 25 preferred), so that
# ./mvnw builds with it even where the default `java` is older.
java_major_of() {
  "$1/bin/java" -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit}'
}
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ] || [ "$(java_major_of "$JAVA_HOME")" -lt 21 ] 2>/dev/null; then
  if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then
    export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
  else
    echo "heliograph: no JDK 21+ found; install Temurin 25 at /usr/lib/jvm/temurin-25-jdk-amd64 or set JAVA_HOME" >&2
    exit 1
  fi
fi
