package io.tlscensus.spark;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CapturePackingTest {
    private static final long MB = 1 << 20;

    private static CaptureInput capture(String name, long bytes) {
        return new CaptureInput(name, "file:/" + name, bytes, 0, false);
    }

    private static List<List<String>> names(List<List<CaptureInput>> tasks) {
        List<List<String>> names = new ArrayList<>();
        for (List<CaptureInput> t : tasks) names.add(t.stream().map(CaptureInput::name).toList());
        return names;
    }

    @Test
    void aHugeCaptureIsOneTaskAndComesFirst() {
        List<CaptureInput> in = List.of(capture("small", 10 * MB), capture("huge", 50_000 * MB), capture("mid", 100 * MB));
        // mid (100 MB + 4 MB open cost) and small (10 MB) fit under 128 MB together; huge is alone
        assertEquals(List.of(List.of("huge"), List.of("mid", "small")),
                names(CapturePacking.pack(in, 128 * MB, 4 * MB, 2)));
    }

    @Test
    void smallCapturesArePackedButEveryCoreGetsWork() {
        List<CaptureInput> in = new ArrayList<>();
        for (int i = 0; i < 100; i++) in.add(capture("c" + i, 40_000));
        List<List<CaptureInput>> tasks = CapturePacking.pack(in, 128 * MB, 4 * MB, 2);
        assertEquals(4, tasks.size(), "100 small files, 2 cores: packed, yet more tasks than cores");
        assertEquals(100, tasks.stream().mapToInt(List::size).sum());
    }

    @Test
    void maxPartitionBytesOfOneGivesOneTaskPerCapture() {
        List<CaptureInput> in = List.of(capture("a", 1000), capture("b", 10), capture("c", 100));
        assertEquals(List.of(List.of("a"), List.of("c"), List.of("b")), names(CapturePacking.pack(in, 1, 4 * MB, 2)));
    }
}
