package dev.harden.testing;

/** Why a test is skipped on this machine, each saying what to install or run to have it run. */
public final class Needs {
    public static final String GIT = "git is not installed: apt-get install git (or run 'bash .ci/run' as root)";
    public static final String GIT_SERVER = "lighttpd, git or git-http-backend is not installed: run 'bash .ci/run'"
            + " (as root it installs them with apt-get), or apt-get install lighttpd git";
    public static final String CORPUS = "the shared corpus of real Compose and Kubernetes files is not beside this"
            + " checkout (../shared/corpus): these checks run only in a workspace that has it";
    public static final String SCHEMA = "the compose-spec JSON schema is not beside this checkout"
            + " (../shared/schemas/compose-spec.json): these checks run only in a workspace that has it";
    public static final String ENGINE = "run 'source .ci/engine.sh' (as root it installs docker.io and starts a private"
            + " engine), or set HARDEN_TEST_DOCKER_HOST to an engine's unix socket";

    public static final String REGISTRY = "docker-registry is not installed: run 'bash .ci/run' (as root it installs"
            + " it with apt-get), or apt-get install docker-registry";
    public static final String HTPASSWD = "htpasswd is not installed: run 'bash .ci/run', or apt-get install apache2-utils";

    private Needs() {
    }
}
