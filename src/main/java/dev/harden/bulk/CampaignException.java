package dev.harden.bulk;

/** A campaign, journal or shard that cannot be used; the message says where and how to fix it. */
public final class CampaignException extends Exception {
    private static final long serialVersionUID = 1L;

    public CampaignException(String message) {
        super(message);
    }
}
