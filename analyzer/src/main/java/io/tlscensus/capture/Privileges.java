package io.tlscensus.capture;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.tlscensus.capture.LiveCapture.LiveCaptureException;

/**
 * Gives up root once the capture handle is open ({@code -Z USER}, as tcpdump does): everything
 * after that (parsing what the network sends, writing outputs) runs as an ordinary user, so a
 * parser bug cannot be turned into root. The open capture socket keeps working, because the kernel
 * checks capture rights when the socket is opened, not when it is read.
 *
 * <p>glibc applies setuid, setgid and setgroups to every thread of the process (not only the
 * calling one, as the raw system calls would), which is what a JVM with its many threads needs.
 */
public final class Privileges {
    /** A user to switch to, as the password database (NSS) knows it. */
    public record Account(String name, int uid, int gid) {
    }

    private interface LibC extends Library {
        Pointer getpwnam(String name);

        int initgroups(String user, int group);

        int setgid(int gid);

        int setuid(int uid);

        int getuid();

        int geteuid();

        int getgid();

        int getegid();
    }

    private static final LibC LIBC = Native.load("c", LibC.class);

    private Privileges() {
    }

    /** Looks the user up (before anything is opened, so a typo fails fast). */
    public static Account lookup(String user) throws LiveCaptureException {
        Pointer pw = LIBC.getpwnam(user);
        if (pw == null) throw new LiveCaptureException("-Z " + user + ": no such user");
        // struct passwd { char *pw_name; char *pw_passwd; uid_t pw_uid; gid_t pw_gid; ... }
        int uid = pw.getInt(2L * Native.POINTER_SIZE);
        int gid = pw.getInt(2L * Native.POINTER_SIZE + 4);
        Account account = new Account(user, uid, gid);
        int euid = LIBC.geteuid();
        if (euid != 0 && euid != uid) {
            throw new LiveCaptureException("-Z " + user + ": switching to another user needs root (running as uid " + euid + ")");
        }
        return account;
    }

    /**
     * Switches the whole process to the account: its groups, then its group, then its user (in
     * that order: once the user is not root, groups can no longer be changed). Checks that root
     * cannot be taken back.
     */
    public static void dropTo(Account a) throws LiveCaptureException {
        if (LIBC.geteuid() != 0) return; // already that user (lookup refused any other)
        if (LIBC.initgroups(a.name(), a.gid()) != 0) throw failure(a, "initgroups", Native.getLastError());
        if (LIBC.setgid(a.gid()) != 0) throw failure(a, "setgid", Native.getLastError());
        if (LIBC.setuid(a.uid()) != 0) throw failure(a, "setuid", Native.getLastError());
        if (LIBC.getuid() != a.uid() || LIBC.geteuid() != a.uid() || LIBC.getgid() != a.gid() || LIBC.getegid() != a.gid()) {
            throw new LiveCaptureException("-Z " + a.name() + ": the process did not become uid " + a.uid() + " gid " + a.gid());
        }
        if (a.uid() != 0 && LIBC.setuid(0) == 0) {
            throw new LiveCaptureException("-Z " + a.name() + ": root could be taken back after the switch");
        }
    }

    private static LiveCaptureException failure(Account a, String call, int errno) {
        return new LiveCaptureException("-Z " + a.name() + ": " + call + " failed (errno " + errno + ")");
    }
}
