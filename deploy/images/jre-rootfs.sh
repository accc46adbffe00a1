#!/usr/bin/env bash
# The root filesystem of the images' base (mvn -Pimages package runs it; jib packs the result as tributary-jre.tar):
#   /opt/java/openjdk   a Java runtime made by jlink from the building JDK, with only the modules the services use
#                       (the path and PATH/JAVA_HOME of eclipse-temurin images, so either base runs the same command)
#   /lib, /lib64        the C libraries that runtime links against, copied from the building machine (glibc, libz,
#                       libstdc++); java.desktop's graphics and sound libraries are never loaded (java.beans is all
#                       the services use of it), so theirs are left out
#   /etc                passwd and group naming root and the services' user (uid/gid 10001), nsswitch.conf, and
#                       ld.so.cache, so the loader finds the runtime's libjli.so even where $ORIGIN cannot be
#                       resolved (no /proc: a chroot)
#   /tmp                for the JVM's temporary files (Kubernetes mounts an emptyDir over it)
# Usage: jre-rootfs.sh JAVA_HOME MODULES ROOTFS   (MODULES comma-separated)
set -euo pipefail

java_home=$1 modules=$2 rootfs=$3

if [ ! -d "$java_home/jmods" ]; then
  echo "jre-rootfs.sh: $java_home has no jmods/ directory, which jlink needs to make the images' Java runtime." >&2
  echo "  On Debian/Ubuntu: apt-get install openjdk-17-jmods; or build with a JDK that has jmods (e.g. Temurin 17)," >&2
  echo "  or use a registry base image: -Dimages.base=eclipse-temurin:17-jre (see deploy/README.md)." >&2
  exit 1
fi

rm -rf "$rootfs"
mkdir -p "$rootfs/opt/java" "$rootfs/etc" "$rootfs/tmp"
runtime=$(mktemp -d)
trap 'rm -rf "$runtime"' EXIT
"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --output "$runtime/openjdk"
# jlink links the legal notices of most modules to java.base's: copy the files, not the links.
cp -R -L "$runtime/openjdk" "$rootfs/opt/java/openjdk"

# The shared libraries of the runtime's programs and libraries, as the dynamic loader resolves them here.
unloaded='libawt_xawt.so|libjawt.so|libfontmanager.so|libjavajpeg.so|libjsound.so|liblcms.so|libsplashscreen.so'
find "$rootfs/opt/java/openjdk/bin" "$rootfs/opt/java/openjdk/lib" -type f \( -name '*.so' -o -perm -u+x \) \
  | grep -Ev "/($unloaded)\$" \
  | xargs ldd 2>/dev/null | grep -o '/[^ ]*' | grep -v "^$rootfs" | sort -u \
  | while read -r library; do
      mkdir -p "$rootfs$(dirname "$library")"
      cp -L "$library" "$rootfs$library"
    done
if [ ! -e "$rootfs/lib64/ld-linux-x86-64.so.2" ] || [ ! -e "$rootfs/lib/x86_64-linux-gnu/libc.so.6" ]; then
  echo "jre-rootfs.sh: found no x86-64 glibc (ld-linux-x86-64.so.2, libc.so.6) for the runtime's programs;" >&2
  echo "  build the images on x86-64 Linux, or use a registry base image: -Dimages.base=eclipse-temurin:17-jre." >&2
  exit 1
fi

cat > "$rootfs/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
tributary:x:10001:10001:tributary:/nonexistent:/sbin/nologin
PASSWD
cat > "$rootfs/etc/group" <<'GROUP'
root:x:0:
tributary:x:10001:
GROUP
echo 'hosts: files dns' > "$rootfs/etc/nsswitch.conf"
echo /opt/java/openjdk/lib > "$rootfs/etc/ld.so.conf"
"$(command -v ldconfig || echo /sbin/ldconfig)" -r "$rootfs"
