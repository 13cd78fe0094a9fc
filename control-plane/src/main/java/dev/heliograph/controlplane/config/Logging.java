package dev.heliograph.controlplane.config;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import java.io.Console;
import java.lang.reflect.Method;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * Applies the {@code log} section to Logback. {@code log.level} sets the level of the
 * {@code dev.heliograph} loggers (and can change at every reload); {@code log.format} chooses, once
 * at start, between the plain-text appender of {@code logback.xml} and JSON lines (Logback's
 * {@link JsonEncoder}: one object per line with {@code timestamp} in epoch ms, {@code level},
 * {@code threadName}, {@code loggerName}, {@code mdc} (e.g. {@code request_id}),
 * {@code formattedMessage} and {@code throwable}); both go to standard error. {@code auto} means
 * text on a terminal, JSON otherwise. When Logback is not the SLF4J binding, nothing happens.
 */
public final class Logging {
    /** The logger whose level {@code log.level} sets. */
    public static final String HELIOGRAPH_LOGGER = "dev.heliograph";
    /** Name of the plain-text appender in {@code logback.xml}. */
    static final String TEXT_APPENDER = "TEXT";
    static final String JSON_APPENDER = "JSON";

    private Logging() {
    }

    /** Applies level and format; call once at process start, before the first component starts. */
    public static void configure(HeliographConfig.Log log) {
        setLevel(log.level());
        if (json(log.format())) {
            useJson();
        }
    }

    /** Sets the level of the {@code dev.heliograph} loggers ({@code trace} .. {@code error}, any case). */
    public static void setLevel(String level) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(HELIOGRAPH_LOGGER).setLevel(Level.toLevel(level.toUpperCase(Locale.ROOT), Level.INFO));
        }
    }

    /** The current level of the {@code dev.heliograph} loggers in lower case, or {@code null} when inherited. */
    public static String level() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            Level level = context.getLogger(HELIOGRAPH_LOGGER).getLevel();
            return level == null ? null : level.toString().toLowerCase(Locale.ROOT);
        }
        return null;
    }

    /** {@code true} when {@code format} ({@code auto}, {@code text}, {@code json}) means JSON here. */
    static boolean json(String format) {
        return switch (format) {
            case "json" -> true;
            case "text" -> false;
            default -> !onTerminal();
        };
    }

    /**
     * Whether the process talks to a terminal. Since JDK 22 {@link System#console()} is non-null also
     * for redirected streams and {@code Console.isTerminal()} tells; on JDK 21 a console exists only
     * on a terminal. Called reflectively because the code is compiled for Java 21.
     */
    private static boolean onTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException jdk21) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    private static void useJson() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (root.getAppender(JSON_APPENDER) != null) {
            return;
        }
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(false);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithFormattedMessage(true);
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName(JSON_APPENDER);
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        root.addAppender(appender);
        Appender<ILoggingEvent> text = root.getAppender(TEXT_APPENDER);
        if (text != null) {
            root.detachAppender(text);
            text.stop();
        }
    }
}
