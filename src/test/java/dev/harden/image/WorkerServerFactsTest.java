package dev.harden.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harden.testing.Layers;
import dev.harden.testing.Layers.Item;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Servers whose root master runs its workers as another user, read from their own configuration in
 * synthetic image layers: Apache httpd (the official image and Debian's) and php-fpm (the official
 * image and Debian's).
 */
class WorkerServerFactsTest {
    @TempDir
    Path dir;

    private static final String PASSWD = "root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
            + "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n";
    private static final String GROUP = "root:x:0:\ndaemon:x:1:\nwww-data:x:33:\n";

    private ImageFacts derive(String configJson, Item... items) throws IOException, InterruptedException {
        assumeTrue(Layers.canChown(), "chown of test files needs root (CI runs as root)");
        ImageConfig config = ImageConfig.parse(configJson.getBytes(StandardCharsets.UTF_8));
        Item[] all = new Item[items.length + 3];
        all[0] = new Item("etc/passwd", 0, PASSWD);
        all[1] = new Item("etc/group", 0, GROUP);
        all[2] = new Item("tmp/", 0, null);
        System.arraycopy(items, 0, all, 3, items.length);
        ImageFiles files = new ImageFiles();
        files.apply(new ByteArrayInputStream(Layers.layer(dir, "layer", true, all)), p -> ImageInspection.wanted(p, config));
        return ImageInspection.derive("team/server", null, config, files);
    }

    /** The official httpd image's configuration, trimmed to what matters and a comment that must not count. */
    private static final String OFFICIAL_HTTPD_CONF = """
            ServerRoot "/usr/local/apache2"
            Listen 80
            LoadModule mpm_event_module modules/mod_mpm_event.so
            <IfModule !mpm_prefork_module>
            \t#LoadModule cgid_module modules/mod_cgid.so
            </IfModule>
            <IfModule unixd_module>
            User daemon
            Group daemon
            </IfModule>
            ErrorLog /proc/self/fd/2
            <IfModule log_config_module>
                CustomLog /proc/self/fd/1 common
            </IfModule>
            #Include conf/extra/httpd-ssl.conf
            Include conf/extra/proxy.conf
            """;

    @Test
    void theOfficialHttpdImageStaysRootRunsWorkersAsDaemonOnPort80AndWritesItsLogsFolder() throws Exception {
        ImageFacts f = derive("""
                {"config":{"Cmd":["httpd-foreground"],"ExposedPorts":{"80/tcp":{}},
                 "Env":["PATH=/usr/local/apache2/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]}}""",
                new Item("usr/local/bin/httpd-foreground", 0, "#!/bin/sh\nset -e\nrm -f /usr/local/apache2/logs/httpd.pid\n"
                        + "exec httpd -DFOREGROUND \"$@\"\n"),
                new Item("usr/local/apache2/bin/httpd", 0, "binary"),
                new Item("usr/local/apache2/conf/httpd.conf", 0, OFFICIAL_HTTPD_CONF),
                new Item("usr/local/apache2/conf/extra/proxy.conf", 0, "Listen 8080\n"),
                new Item("usr/local/apache2/logs/", 0, null),
                new Item("usr/local/apache2/htdocs/index.html", 0, "<html>It works!</html>\n"));

        assertThat(f.runsAs()).isEqualTo("root");
        assertThat(f.dropsPrivileges()).isTrue();
        assertThat(f.rootCapabilities()).as("it steps down and binds 80; it chowns nothing").containsExactly("NET_BIND_SERVICE", "SETGID", "SETUID");
        assertThat(f.ports()).as("the included file's Listen counts, the commented Include does not").containsExactly(80, 8080);
        assertThat(f.writablePaths()).as("its pid file's folder; its logs go to the container's output").containsExactly("/tmp",
                "/usr/local/apache2/logs");
        assertThat(f.dataPaths()).isEmpty();
        assertThat(f.readOnlyRootFilesystem()).isTrue();
        assertThat(f.sources()).contains("image files: /usr/local/apache2/conf/httpd.conf: /usr/local/bin/httpd-foreground stays root"
                        + " and runs its workers as daemon (uid 1)",
                "image files: /usr/local/apache2/conf/httpd.conf: /usr/local/bin/httpd-foreground listens on port 80 (below 1024)",
                "image files: /usr/local/apache2/conf/httpd.conf: /usr/local/bin/httpd-foreground writes /usr/local/apache2/logs at start");
    }

    @Test
    void debiansApacheTakesItsUserAndFoldersFromEnvvarsAndItsPortsFromIncludedFiles() throws Exception {
        ImageFacts f = derive("""
                {"config":{"Cmd":["apache2ctl","-D","FOREGROUND"]}}""",
                new Item("usr/sbin/apache2ctl", 0, "#!/bin/sh\n. /etc/apache2/envvars\nexec /usr/sbin/apache2 \"$@\"\n"),
                new Item("usr/sbin/apache2", 0, "binary"),
                new Item("etc/apache2/apache2.conf", 0, """
                        Mutex file:${APACHE_LOCK_DIR} default
                        DefaultRuntimeDir ${APACHE_RUN_DIR}
                        PidFile ${APACHE_PID_FILE}
                        User ${APACHE_RUN_USER}
                        Group ${APACHE_RUN_GROUP}
                        ErrorLog ${APACHE_LOG_DIR}/error.log
                        IncludeOptional mods-enabled/*.load
                        Include ports.conf
                        IncludeOptional sites-enabled/*.conf
                        """),
                new Item("etc/apache2/envvars", 0, """
                        unset HOME
                        if [ "${APACHE_CONFDIR##/etc/apache2-}" != "${APACHE_CONFDIR}" ] ; then
                        \tSUFFIX="-${APACHE_CONFDIR##/etc/apache2-}"
                        else
                        \tSUFFIX=
                        fi
                        export APACHE_RUN_USER=www-data
                        export APACHE_RUN_GROUP=www-data
                        export APACHE_PID_FILE=/var/run/apache2$SUFFIX/apache2.pid
                        export APACHE_RUN_DIR=/var/run/apache2$SUFFIX
                        export APACHE_LOCK_DIR=/var/lock/apache2$SUFFIX
                        export APACHE_LOG_DIR=/var/log/apache2$SUFFIX
                        """),
                new Item("etc/apache2/ports.conf", 0, "Listen 80\n\n<IfModule ssl_module>\n\tListen 443\n</IfModule>\n"),
                new Item("etc/apache2/sites-enabled/000-default.conf", 0, "<VirtualHost *:80>\n"
                        + "\tCustomLog ${APACHE_LOG_DIR}/access.log combined\n</VirtualHost>\n"),
                new Item("var/log/apache2/", 0, null));

        assertThat(f.dropsPrivileges()).isTrue();
        assertThat(f.rootCapabilities()).containsExactly("NET_BIND_SERVICE", "SETGID", "SETUID");
        assertThat(f.ports()).containsExactly(80, 443);
        assertThat(f.writablePaths()).containsExactly("/tmp", "/var/run/apache2", "/var/lock/apache2", "/var/log/apache2");
        assertThat(f.sources()).anySatisfy(s -> assertThat(s).isEqualTo("image files: /etc/apache2/apache2.conf: /usr/sbin/apache2ctl"
                + " stays root and runs its workers as www-data (uid 33)"));
    }

    @Test
    void anApacheWhoseUserIsAVariableNoFileSetsGetsNoWorkerFacts() throws Exception {
        ImageFacts f = derive("""
                {"config":{"Cmd":["apache2","-DFOREGROUND"],"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]}}""",
                new Item("usr/sbin/apache2", 0, "binary"),
                new Item("etc/apache2/apache2.conf", 0, "User ${APACHE_RUN_USER}\nListen 80\n"));

        assertThat(f.dropsPrivileges()).isFalse();
        assertThat(f.rootCapabilities()).doesNotContain("SETUID", "SETGID");
    }

    @Test
    void theOfficialPhpFpmImageRunsItsPoolAsWwwDataOnPort9000AndNeedsOnlyToStepDown() throws Exception {
        ImageFacts f = derive("""
                {"config":{"Entrypoint":["docker-php-entrypoint"],"Cmd":["php-fpm"],"ExposedPorts":{"9000/tcp":{}},
                 "Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","PHP_INI_DIR=/usr/local/etc/php"]}}""",
                new Item("usr/local/bin/docker-php-entrypoint", 0, "#!/bin/sh\nset -e\nif [ \"${1#-}\" != \"$1\" ]; then\n"
                        + "\tset -- php-fpm \"$@\"\nfi\nexec \"$@\"\n"),
                new Item("usr/local/sbin/php-fpm", 0, "binary"),
                new Item("usr/local/etc/php-fpm.conf", 0, "[global]\n;pid = run/php-fpm.pid\n;error_log = log/php-fpm.log\n"
                        + "include=etc/php-fpm.d/*.conf\n"),
                new Item("usr/local/etc/php-fpm.d/www.conf", 0, "[www]\n; user = nobody\nuser = www-data\ngroup = www-data\n"
                        + "listen = 127.0.0.1:9000\npm = dynamic\n"),
                new Item("usr/local/etc/php-fpm.d/docker.conf", 0, "[global]\nerror_log = /proc/self/fd/2\n[www]\n"
                        + "access.log = /proc/self/fd/2\n"),
                new Item("usr/local/etc/php-fpm.d/zz-docker.conf", 0, "[global]\ndaemonize = no\n\n[www]\nlisten = 9000\n"));

        assertThat(f.runsAs()).isEqualTo("root");
        assertThat(f.dropsPrivileges()).isTrue();
        assertThat(f.rootCapabilities()).containsExactly("SETGID", "SETUID");
        assertThat(f.ports()).containsExactly(9000);
        assertThat(f.writablePaths()).containsExactly("/tmp");
        assertThat(f.readOnlyRootFilesystem()).isTrue();
        assertThat(f.sources()).contains("image files: /usr/local/etc/php-fpm.conf: /usr/local/sbin/php-fpm stays root and runs its"
                + " workers as www-data (uid 33)");
    }

    @Test
    void debiansPhpFpmHandsItsSocketToItsUserAndWritesALogFolderThatHasContent() throws Exception {
        ImageFacts f = derive("""
                {"config":{"Cmd":["php-fpm8.2","-F"]}}""",
                new Item("usr/sbin/php-fpm8.2", 0, "binary"),
                new Item("etc/php/8.2/fpm/php-fpm.conf", 0, "[global]\npid = /run/php/php8.2-fpm.pid\n"
                        + "error_log = /var/log/php8.2-fpm.log\ninclude=/etc/php/8.2/fpm/pool.d/*.conf\n"),
                new Item("etc/php/8.2/fpm/pool.d/www.conf", 0, "[www]\nuser = www-data\ngroup = www-data\n"
                        + "listen = /run/php/php8.2-fpm.sock\nlisten.owner = www-data\n"),
                new Item("var/log/dpkg.log", 0, "installed\n"));

        assertThat(f.dropsPrivileges()).isTrue();
        assertThat(f.rootCapabilities()).as("the socket is chowned to www-data").containsExactly("CHOWN", "SETGID", "SETUID");
        assertThat(f.ports()).isEmpty();
        assertThat(f.writablePaths()).containsExactly("/tmp", "/run/php");
        assertThat(f.dataPaths()).as("a tmpfs over /var/log would hide what is there").containsExactly("/var/log");
        assertThat(f.readOnlyRootFilesystem()).isFalse();
        assertThat(f.sources()).contains("image files: /etc/php/8.2/fpm/php-fpm.conf: /usr/sbin/php-fpm8.2 writes /var/log at start,"
                + " which has content");
    }
}
