package dev.harden.registry;

/**
 * A user name and password (or access token) for one registry.
 *
 * @param username the user name; never a secret
 * @param secret the password or token; never printed
 */
record Login(String username, String secret) {
    @Override
    public String toString() {
        return "Login[" + username + ", ****]";
    }
}
