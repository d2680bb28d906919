package io.tlscensus.capture;

/** Joining the threads that read one run, and their failures (capture and cli both start them). */
public final class Threads {
    private Threads() {
    }

    /** Waits for every thread to end, even if interrupted meanwhile (the interrupt is kept). */
    public static void joinAll(Thread... threads) {
        boolean interrupted = false;
        for (Thread t : threads) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** A thread's failure, thrown on the calling thread; nothing when there was none. */
    public static void rethrow(Throwable failure) {
        if (failure instanceof RuntimeException) throw (RuntimeException) failure;
        if (failure instanceof Error) throw (Error) failure;
    }
}
