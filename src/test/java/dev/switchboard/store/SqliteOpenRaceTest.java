package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Instances that start at the same moment on one new SQLite file all open it. */
class SqliteOpenRaceTest {

    @TempDir
    Path dir;

    @Test
    void fourOpeningANewFileAtOnce_allOpenIt() throws Exception {
        int rounds = 20;
        int instances = 4;
        try (ExecutorService pool = Executors.newFixedThreadPool(instances)) {
            for (int round = 0; round < rounds; round++) {
                Path dataDir = Files.createDirectory(dir.resolve("round-" + round));
                CyclicBarrier go = new CyclicBarrier(instances);
                List<Future<Database>> opened = new ArrayList<>();
                for (int i = 0; i < instances; i++) {
                    opened.add(pool.submit(() -> {
                        go.await(10, TimeUnit.SECONDS);
                        return Database.open(Optional.empty(), dataDir);
                    }));
                }
                for (Future<Database> f : opened) {
                    try (Database db = f.get(30, TimeUnit.SECONDS)) {
                        assertThat(db.kind()).isEqualTo(Database.Kind.SQLITE);
                    }
                }
            }
        }
    }
}
