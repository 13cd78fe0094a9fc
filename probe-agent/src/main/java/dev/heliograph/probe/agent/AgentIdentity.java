package dev.heliograph.probe.agent;

import com.fasterxml.jackson.core.JacksonException;
import dev.heliograph.domain.RegionId;
import dev.heliograph.probe.codec.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who this agent is to its control plane, as issued at registration: kept in
 * {@code <data-dir>/identity.json} (mode 0600, in a directory of mode 0700), because
 * {@code agentKey} signs every request. All methods do blocking file I/O: call them off the event
 * loop. {@link #toString} hides the key.
 *
 * @param agentId  the id the control plane gave this agent
 * @param agentKey the agent key ({@code hg_agk_...}), a secret
 * @param region   the region the agent checks from
 * @param server   the agent server it registered with
 */
public record AgentIdentity(String agentId, String agentKey, String region, String server) {
    /** File name of the identity in the data directory. */
    public static final String FILE = "identity.json";

    private static final Logger LOG = LoggerFactory.getLogger(AgentIdentity.class);
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

    public AgentIdentity {
        Objects.requireNonNull(agentId, "agent_id");
        Objects.requireNonNull(agentKey, "agent_key");
        Objects.requireNonNull(server, "server");
        if (!RegionId.isValid(region)) {
            throw new IllegalArgumentException("region is not a valid region name: " + region);
        }
    }

    /** The region as a domain id. */
    public RegionId regionId() {
        return new RegionId(region);
    }

    /**
     * Creates {@code dataDir} (and missing parents) with mode 0700 when it does not exist; warns when
     * an existing one is open to group or others.
     */
    public static void createDataDir(Path dataDir) throws IOException {
        if (Files.notExists(dataDir)) {
            Files.createDirectories(dataDir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
        } else if (!OWNER_DIR.containsAll(Files.getPosixFilePermissions(dataDir))) {
            LOG.warn("data directory {} is open to group or others; it holds the agent key (chmod 700)", dataDir);
        }
    }

    /**
     * The identity saved in {@code dataDir}, or empty when there is none. Throws {@link IOException}
     * when the file cannot be read or is malformed (it is then left for the operator to inspect).
     */
    public static Optional<AgentIdentity> load(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (Files.notExists(file)) {
            return Optional.empty();
        }
        if (!OWNER_FILE.containsAll(Files.getPosixFilePermissions(file))) {
            LOG.warn("{} is readable by others than its owner; it holds the agent key (chmod 600)", file);
        }
        try {
            return Optional.of(Json.MAPPER.readValue(file.toFile(), AgentIdentity.class));
        } catch (JacksonException | IllegalArgumentException | NullPointerException e) {
            throw new IOException(file + " is malformed; move it away to register again with a new token", e);
        }
    }

    /**
     * Saves this identity to {@code dataDir} atomically: written and synced to a temporary file created
     * with mode 0600, then moved over {@code identity.json}.
     */
    public void save(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        Path temp = dataDir.resolve(FILE + ".tmp");
        Files.deleteIfExists(temp);
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(OWNER_FILE));
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.wrap(Json.MAPPER.writeValueAsBytes(this));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        moveAtomically(temp, file);
    }

    /** Moves {@code from} over {@code to} in one step and syncs their directory, so the move survives a power cut. */
    static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system of " + to + " cannot replace files atomically", e);
        }
        try (FileChannel directory = FileChannel.open(to.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    @Override
    public String toString() {
        return "AgentIdentity[agentId=" + agentId + ", agentKey=***, region=" + region + ", server=" + server + "]";
    }
}
