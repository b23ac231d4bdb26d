#!/usr/bin/env bash
# Packaging test: installs libapache2-mod-jvm_*.deb on this machine (apt-get pulls its Depends),
# checks that a WAR (built here against the installed servlet engine) is served by the installed
# module through mod_jvm-express and an Apache configuration of its own, and a Spring Boot jar
# (the tree's tests/webapps/boot4) through mod_jvm-express,
# enables the module and the sample site on a free loopback port, checks configtest, starts the
# system Apache and gets "Hello World!" from the site, breaks the configuration three ways and
# checks that configtest names each problem, then purges the package and leaves Apache as it
# was (enabled modules/sites/confs the same as before, stopped if it was stopped).
#   tests/packaging/run.sh [path/to/libapache2-mod-jvm_*.deb]      (root; Debian)
# Without an argument it builds the package first (mvn -Pdeb -pl packaging/debian: the rest of
# the tree must be built, e.g. by mvn -B verify).
# Ends with "N passed, M failed"; exits non-zero when something failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
top=$(pwd)
pkg=libapache2-mod-jvm
passed=0
failed=0

pass() { passed=$((passed + 1)); echo "ok   - $*"; }
fail() { failed=$((failed + 1)); echo "FAIL - $*"; }
check() { # check "description" command...
    local what=$1
    shift
    if "$@" >/dev/null; then pass "$what"; else fail "$what"; fi
}
finish() {
    echo "packaging: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit $?
}

if [ "$(id -u)" -ne 0 ]; then
    echo "packaging: needs root (installs a package)"; fail "run as root"; finish
fi
if dpkg-query -W -f '${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    echo "packaging: $pkg is already installed on this machine: not touching it"
    fail "$pkg not installed before the test"; finish
fi

deb=${1:-}
if [ -z "$deb" ]; then
    echo "packaging: building the package (mvn -B -q -Pdeb -pl packaging/debian package)"
    mvn -B -q -Pdeb -pl packaging/debian package || { fail "build the package"; finish; }
    deb=$(ls packaging/debian/target/${pkg}_*_amd64.deb | head -1)
fi
deb=$(readlink -f "$deb")
echo "packaging: testing $deb"

# ---- the state to restore
state() {
    for d in mods-enabled sites-enabled conf-enabled; do
        echo "$d: $(ls /etc/apache2/$d 2>/dev/null | tr '\n' ' ')"
    done
}
pidfile=$(. /etc/apache2/envvars >/dev/null 2>&1; echo "${APACHE_PID_FILE:-/var/run/apache2/apache2.pid}")
apache_running() { [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile" 2>/dev/null)" 2>/dev/null; }
before=$(state)
was_running=no
apache_running && was_running=yes
echo "packaging: system Apache running before: $was_running"

broken=/etc/apache2/conf-available/zz-mod-jvm-packaging-test.conf
cleanup() {
    if [ -n "${made_default_java:-}" ]; then rm -f /usr/lib/jvm/default-java; fi
    if [ -n "${ex_pid:-}" ] && kill -0 "$ex_pid" 2>/dev/null; then kill -TERM "$ex_pid"; wait "$ex_pid" 2>/dev/null; fi
    if [ -e /etc/apache2/conf-enabled/zz-mod-jvm-packaging-test.conf ]; then
        a2disconf -q zz-mod-jvm-packaging-test >/dev/null 2>&1
    fi
    rm -f "$broken"
    if [ "$was_running" = no ] && apache_running; then
        apache2ctl stop >/dev/null 2>&1
        wait_stopped
    fi
    if dpkg-query -W -f '${Status}' "$pkg" 2>/dev/null | grep -q "ok installed\|config-files"; then
        DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "$pkg" >/dev/null 2>&1
    fi
    [ -n "${express_root:-}" ] && rm -rf "$express_root"
    if [ -n "${war_root:-}" ]; then
        [ -s "$war_root/httpd.pid" ] && apache2 -d "$war_root" -f "$war_root/httpd.conf" -k stop >/dev/null 2>&1
        rm -rf "$war_root"
    fi
}
wait_stopped() {
    local pid i
    pid=$(cat "$pidfile" 2>/dev/null)
    for i in $(seq 1 100); do
        [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    # the daemon processes of the sample site go with Apache
    for i in $(seq 1 100); do
        pgrep -f '^\(jvm:jvm-hello\)' >/dev/null || break
        sleep 0.1
    done
}
trap cleanup EXIT

free_port() {
    local p hex
    for p in $(seq 18089 18189); do
        hex=$(printf '%04X' "$p")
        if ! awk -v h=":$hex" 'NR > 1 && $4 == "0A" && substr($2, length($2) - 4) == h { found = 1 } END { exit !found }' \
                /proc/net/tcp /proc/net/tcp6 2>/dev/null; then
            echo "$p"
            return
        fi
    done
}

# ---- install
out=$(DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$deb" 2>&1)
check "apt-get install ./$(basename "$deb")" dpkg-query -W -f '${Status}' "$pkg"
if ! dpkg-query -W -f '${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    echo "$out" | tail -20
    finish
fi
check "module in Apache's module directory" test -f /usr/lib/apache2/modules/mod_jvm.so
check "runtime jars in /usr/share/mod_jvm" test -f /usr/share/mod_jvm/mod_jvm-runtime.jar -a -f /usr/share/mod_jvm/mod_jvm-api.jar
check "JNA for script-user= next to them" test -f /usr/share/mod_jvm/jna.jar -a -f /usr/share/mod_jvm/libjnidispatch.so
# the servlet engine for web applications: servlet/ beside the runtime jar, all of it
servlet_jars="ecj.jar jakartaee-migration-shaded.jar mod-jvm-servlet.jar tomcat-annotations-api.jar tomcat-embed-core.jar tomcat-embed-el.jar tomcat-embed-jasper.jar"
check "servlet engine in /usr/share/mod_jvm/servlet ($servlet_jars)" \
    test "$(cd /usr/share/mod_jvm/servlet 2>/dev/null && ls *.jar | tr '\n' ' ')" = "$servlet_jars "
# Spring Boot executable jars: mod_jvm's auto-configuration, boot/ beside servlet/
check "Spring Boot support in /usr/share/mod_jvm/boot (mod_jvm-boot.jar, mod_jvm-boot3.jar)" \
    test "$(cd /usr/share/mod_jvm/boot 2>/dev/null && ls *.jar | tr '\n' ' ')" = "mod_jvm-boot.jar mod_jvm-boot3.jar "
if [ -d native/target/module/servlet ]; then
    check "servlet/ holds the jars of the build (native/target/module/servlet)" \
        test "$(cd native/target/module/servlet && ls *.jar | tr '\n' ' ')" = "$(cd /usr/share/mod_jvm/servlet && ls *.jar | tr '\n' ' ')"
fi
check "mods-available/jvm.load and jvm.conf" test -f /etc/apache2/mods-available/jvm.load -a -f /etc/apache2/mods-available/jvm.conf
check "sites-available/jvm-hello.conf, its script outside DocumentRoot" test -f /etc/apache2/sites-available/jvm-hello.conf -a -f /usr/share/mod_jvm/sites/hello/site.java
check "docs and changelog" test -f /usr/share/doc/$pkg/changelog.Debian.gz -a -f /usr/share/doc/$pkg/docs/directives.md
check "mod_jvm-express on the PATH" test "$(command -v mod_jvm-express)" = /usr/bin/mod_jvm-express
check "install left a stopped Apache stopped" bash -c "[ $was_running = yes ] || ! { [ -s '$pidfile' ] && kill -0 \$(cat '$pidfile') 2>/dev/null; }"
check "mod_jvm-express module-config names the installed module" \
    bash -c "mod_jvm-express module-config | grep -qx 'LoadModule jvm_module \"/usr/lib/apache2/modules/mod_jvm.so\"'"

# ---- mod_jvm-express of the package, with the installed module
express_root=$(mktemp -d /tmp/mod_jvm-packaging-express.XXXXXX)
rmdir "$express_root"
if mod_jvm-express setup-server --port "$(free_port)" --server-root "$express_root" >/dev/null 2>&1; then
    check "mod_jvm-express setup-server + apachectl configtest (installed module)" \
        bash -c "'$express_root/apachectl' configtest 2>&1 | grep -q 'Syntax OK'"
else
    fail "mod_jvm-express setup-server with the installed package"
fi

# ---- install-module of another build leaves the package's module alone (dpkg-query -L says whose)
other=$(mktemp -d /tmp/mod_jvm-packaging-other.XXXXXX)
cp /usr/lib/apache2/modules/mod_jvm.so /usr/share/mod_jvm/mod_jvm-runtime.jar /usr/share/mod_jvm/mod_jvm-api.jar "$other/"
check "mod_jvm-express install-module refuses to replace the package's module" \
    bash -c "MOD_JVM_MODULE='$other/mod_jvm.so' mod_jvm-express install-module 2>&1 | grep -q 'belongs to the package $pkg'"
rm -rf "$other"

# ---- the package's default JvmHome: /usr/lib/jvm/default-java when it exists, else the build JDK
# (the JVM00005 message of a JvmOptions the JVM refuses names the JDK in use)
jh_root=$(mktemp -d /tmp/mod_jvm-packaging-jvmhome.XXXXXX)
cp /usr/share/mod_jvm/sites/hello/site.java "$jh_root/site.java"
cat > "$jh_root/httpd.conf" <<CONF
ServerRoot $jh_root
ServerName localhost
Listen 127.0.0.1:$(free_port)
PidFile $jh_root/httpd.pid
ErrorLog $jh_root/error_log
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule jvm_module /usr/lib/apache2/modules/mod_jvm.so
JvmOptions "-XX:+NoSuchOptionForThisTest"
JvmScriptAlias / $jh_root/site.java
CONF
jvm_in_use() { apache2 -d "$jh_root" -f "$jh_root/httpd.conf" -t 2>&1 | grep -o 'the JVM in [^ ]*' | head -1; }
if [ ! -e /usr/lib/jvm/default-java ]; then
    build_jdk=$(jvm_in_use)
    check "default JvmHome without default-java: the build JDK ($build_jdk)" test -n "$build_jdk"
    ln -s "${build_jdk#the JVM in }" /usr/lib/jvm/default-java
    made_default_java=yes
    check "default JvmHome with default-java installed: /usr/lib/jvm/default-java" test "$(jvm_in_use)" = "the JVM in /usr/lib/jvm/default-java"
    rm -f /usr/lib/jvm/default-java
    made_default_java=""
else
    check "default JvmHome: /usr/lib/jvm/default-java" test "$(jvm_in_use)" = "the JVM in /usr/lib/jvm/default-java"
fi
rm -rf "$jh_root"

# ---- mod_jvm-express of the package serves its default page
ex_port=$(free_port)
ex_root=$(mktemp -d /tmp/mod_jvm-packaging-express-run.XXXXXX)
chmod 755 "$ex_root"
mod_jvm-express start-server --port "$ex_port" --server-root "$ex_root/root" > "$ex_root/out" 2>&1 &
ex_pid=$!
page=""
for i in $(seq 1 150); do
    page=$(curl -s --max-time 5 "http://127.0.0.1:$ex_port/" 2>/dev/null) && grep -q "It works!" <<<"$page" && break
    sleep 0.2
done
check "mod_jvm-express start-server (package) serves its default page" grep -q "It works!" <<<"$page"
kill -TERM "$ex_pid" 2>/dev/null
wait "$ex_pid" 2>/dev/null
check "mod_jvm-express's Apache stopped on SIGTERM" bash -c "! kill -0 $ex_pid 2>/dev/null"
rm -rf "$ex_root"

# ---- a web application (a WAR with a servlet and a JSP, built here against the installed engine)
# served by the installed module: by mod_jvm-express (daemon mode) and by an Apache configuration
# of its own (embedded mode)
war_root=$(mktemp -d /tmp/mod_jvm-packaging-war.XXXXXX)
chmod 755 "$war_root"
javac_bin=$(command -v javac 2>/dev/null || echo /usr/lib/jvm/default-java/bin/javac)
jdk_bin=$(dirname "$(readlink -f "$javac_bin")")
mkdir -p "$war_root/src" "$war_root/app/WEB-INF/classes"
cat > "$war_root/src/HelloServlet.java" <<'JAVA'
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

@WebServlet("/hello")
public class HelloServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain");
        resp.getWriter().print("Hello from a WAR at " + req.getContextPath() + "/hello");
    }
}
JAVA
printf '<%%@ page contentType="text/plain" %%>JSP says <%%= 6 * 7 %%>' > "$war_root/app/index.jsp"
war=$war_root/hello.war
if "$jdk_bin/javac" --release 17 -d "$war_root/app/WEB-INF/classes" \
        -cp /usr/share/mod_jvm/servlet/tomcat-embed-core.jar "$war_root/src/HelloServlet.java" \
        && "$jdk_bin/jar" --create --file "$war" -C "$war_root/app" . && chmod -R a+rX "$war_root"; then
    pass "a WAR built against the installed tomcat-embed-core.jar"
else
    fail "a WAR built against the installed tomcat-embed-core.jar"
fi
get_until() { # get_until URL EXPECTED: the body once it is EXPECTED (60 s), else the last one
    local body="" i
    for i in $(seq 1 300); do
        body=$(curl -s --max-time 10 "$1" 2>/dev/null) && [ "$body" = "$2" ] && break
        sleep 0.2
    done
    echo "$body"
}
ex_port=$(free_port)
ex_root=$(mktemp -d /tmp/mod_jvm-packaging-express-war.XXXXXX)
chmod 755 "$ex_root"
mod_jvm-express start-server "$war" --port "$ex_port" --mount-point /shop --server-root "$ex_root/root" > "$ex_root/out" 2>&1 &
ex_pid=$!
body=$(get_until "http://127.0.0.1:$ex_port/shop/hello" "Hello from a WAR at /shop/hello")
check "mod_jvm-express start-server hello.war (package, daemon mode): servlet (got: '$body')" \
    test "$body" = "Hello from a WAR at /shop/hello"
body=$(get_until "http://127.0.0.1:$ex_port/shop/" "JSP says 42")
check "mod_jvm-express start-server hello.war (package, daemon mode): JSP compiled by the packaged ecj (got: '$body')" \
    test "$body" = "JSP says 42"
if [ "$body" != "JSP says 42" ]; then
    cat "$ex_root/out"; tail -20 "$ex_root/root/error_log" 2>/dev/null
fi
kill -TERM "$ex_pid" 2>/dev/null
wait "$ex_pid" 2>/dev/null
ex_pid=""
rm -rf "$ex_root"

# ---- a Spring Boot executable jar (tests/webapps/boot4, when the tree has built it) served by the
# installed package through mod_jvm-express: Boot's loader.path takes /usr/share/mod_jvm/boot
boot_jar=$top/tests/webapps/boot4/target/boot4.jar
if [ -f "$boot_jar" ]; then
    ex_port=$(free_port)
    ex_root=$(mktemp -d /tmp/mod_jvm-packaging-express-boot.XXXXXX)
    chmod 755 "$ex_root"
    mkdir -m 755 "$ex_root/app"
    install -m 0644 "$boot_jar" "$ex_root/app/shop.jar"
    mod_jvm-express start-server "$ex_root/app/shop.jar" --port "$ex_port" --server-root "$ex_root/root" \
        > "$ex_root/out" 2>&1 &
    ex_pid=$!
    body=""
    for i in $(seq 1 600); do # Boot starts in seconds, more on a busy machine
        body=$(curl -s --max-time 10 "http://127.0.0.1:$ex_port/" 2>/dev/null)
        case $body in *'"greeting":"Hello from Spring Boot"'*) break ;; esac
        sleep 0.2
    done
    check "mod_jvm-express start-server shop.jar (package, a Spring Boot jar; got: '$body')" \
        grep -q '"greeting":"Hello from Spring Boot"' <<<"$body"
    case $body in *'"greeting"'*) ;; *) cat "$ex_root/out"; tail -20 "$ex_root/root/error_log" 2>/dev/null ;; esac
    kill -TERM "$ex_pid" 2>/dev/null
    wait "$ex_pid" 2>/dev/null
    ex_pid=""
    rm -rf "$ex_root"
else
    echo "packaging: $boot_jar not built: no Spring Boot check (mvn -B package builds it)"
fi

war_port=$(free_port)
cat > "$war_root/httpd.conf" <<CONF
ServerRoot $war_root
ServerName localhost
Listen 127.0.0.1:$war_port
PidFile $war_root/httpd.pid
ErrorLog $war_root/error_log
User www-data
Group www-data
StartServers 1
ServerLimit 1
MaxRequestWorkers 25
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule jvm_module /usr/lib/apache2/modules/mod_jvm.so
JvmCacheDirectory $war_root/cache
JvmScriptAlias / $war
CONF
if apache2 -d "$war_root" -f "$war_root/httpd.conf" -k start >/dev/null 2>&1; then
    body=$(get_until "http://127.0.0.1:$war_port/hello" "Hello from a WAR at /hello")
    check "the installed module serves hello.war at / in embedded mode (got: '$body')" \
        test "$body" = "Hello from a WAR at /hello"
    [ "$body" = "Hello from a WAR at /hello" ] || tail -20 "$war_root/error_log"
    war_pid=$(cat "$war_root/httpd.pid" 2>/dev/null)
    apache2 -d "$war_root" -f "$war_root/httpd.conf" -k stop >/dev/null 2>&1
    for i in $(seq 1 150); do
        [ -n "$war_pid" ] && kill -0 "$war_pid" 2>/dev/null || break
        sleep 0.1
    done
else
    fail "the installed module serves hello.war in embedded mode: apache2 did not start"
    apache2 -d "$war_root" -f "$war_root/httpd.conf" -t 2>&1 | tail -5
fi
rm -rf "$war_root"
war_root=""

# ---- enable module and site, configtest, start, request
port=$(free_port)
sed -i "s/8089/$port/g" /etc/apache2/sites-available/jvm-hello.conf
a2enmod -q jvm >/dev/null
a2ensite -q jvm-hello >/dev/null
check "a2enmod jvm" test -e /etc/apache2/mods-enabled/jvm.load
check "a2ensite jvm-hello (127.0.0.1:$port)" test -e /etc/apache2/sites-enabled/jvm-hello.conf
ct=$(apache2ctl configtest 2>&1)
check "apachectl configtest: Syntax OK" grep -q "Syntax OK" <<<"$ct"
if [ "$was_running" = yes ]; then
    apache2ctl graceful >/dev/null 2>&1
else
    apache2ctl start >/dev/null 2>&1
fi
body=""
for i in $(seq 1 150); do
    body=$(curl -s --max-time 5 "http://127.0.0.1:$port/" 2>/dev/null) && [ "$body" = "Hello World!" ] && break
    sleep 0.2
done
check "system Apache serves Hello World! from the sample site (got: '$body')" test "$body" = "Hello World!"
if [ "$body" != "Hello World!" ]; then
    tail -20 /var/log/apache2/error.log /var/log/apache2/jvm-hello-error.log 2>/dev/null
fi
check "the daemon process group of the site runs" pgrep -f '^\(jvm:jvm-hello\)'

# ---- three broken configurations: configtest must say what is wrong
broken_config() { # broken_config "description" "config line" "expected text"
    printf '%s\n' "$2" > "$broken"
    a2enconf -q zz-mod-jvm-packaging-test >/dev/null
    local out rc
    out=$(apache2ctl configtest 2>&1)
    rc=$?
    a2disconf -q zz-mod-jvm-packaging-test >/dev/null
    if [ $rc -ne 0 ] && grep -qF "$3" <<<"$out"; then
        pass "configtest names $1"
    else
        fail "configtest names $1 (exit $rc, expected '$3'): $(echo "$out" | grep -v '^$' | head -3 | tr '\n' ' ')"
    fi
}
broken_config "a bad JvmHome" "JvmHome /usr/share/doc" "JvmHome: '/usr/share/doc' has no lib/server/libjvm.so"
broken_config "a missing script" "JvmScriptAlias /missing /nonexistent/missing.java" "script '/nonexistent/missing.java' cannot be found"
broken_config "a bad daemon option" "JvmDaemonProcess broken processes=2 bogus-option=1" "JvmDaemonProcess: unknown option 'bogus-option'"
rm -f "$broken"
check "configtest is fine again" bash -c "apache2ctl configtest 2>&1 | grep -q 'Syntax OK'"

# ---- back to how it was: Apache stopped if it was, then purge
if [ "$was_running" = no ]; then
    apache2ctl stop >/dev/null 2>&1
    wait_stopped
    check "Apache stopped again" bash -c "! { [ -s '$pidfile' ] && kill -0 \$(cat '$pidfile') 2>/dev/null; }"
    check "no daemon process of the site left" bash -c "! pgrep -f '^\(jvm:jvm-hello\)' >/dev/null"
fi
out=$(DEBIAN_FRONTEND=noninteractive apt-get purge -y -q "$pkg" 2>&1)
check "apt-get purge $pkg" bash -c "! dpkg-query -W -f '\${Status}' $pkg 2>/dev/null | grep -q 'ok installed\|config-files'"
check "module, jars and conffiles removed" bash -c "[ ! -e /usr/lib/apache2/modules/mod_jvm.so ] && [ ! -e /usr/share/mod_jvm ] && [ ! -e /etc/apache2/mods-available/jvm.load ] && [ ! -e /etc/apache2/sites-available/jvm-hello.conf ] && [ ! -e /usr/bin/mod_jvm-express ]"
after=$(state)
if [ "$before" = "$after" ]; then
    pass "enabled modules, sites and confs as before"
else
    fail "enabled modules, sites and confs as before"
    diff <(echo "$before") <(echo "$after")
fi
now_running=no
apache_running && now_running=yes
check "Apache running state as before ($was_running; purge did not start it)" test "$now_running" = "$was_running"
finish
