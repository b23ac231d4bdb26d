package org.modjvm.runtime.apps;

/**
 * The owner a daemon process group requires of its scripts ({@code script-user=} and
 * {@code script-group=} of {@code JvmDaemonProcess}), -1 for "any"; the names are for messages.
 */
public record ScriptOwner(int uid, String user, int gid, String group) {
    static final ScriptOwner ANY = new ScriptOwner(-1, "", -1, "");

    public boolean required() {
        return uid >= 0 || gid >= 0;
    }

    boolean accepts(int fileUid, int fileGid) {
        return (uid < 0 || fileUid == uid) && (gid < 0 || fileGid == gid);
    }

    /** "script-user=nobody (uid 65534) and script-group=nogroup (gid 65534)". */
    public String describe() {
        String u = uid < 0 ? null : "script-user=" + user + " (uid " + uid + ")";
        String g = gid < 0 ? null : "script-group=" + group + " (gid " + gid + ")";
        return u == null ? String.valueOf(g) : g == null ? u : u + " and " + g;
    }
}
