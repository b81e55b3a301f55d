package dev.switchboard.observe;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;

/**
 * Configures logging from {@code LOG_FORMAT} ({@code text} or {@code json}) and {@code LOG_LEVEL}, to stderr. */
public final class LogSetup {

    private LogSetup() {}

    /** Flushes queued lines and stops logging; the last step of a shutdown. */
    public static void flush() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) ctx.stop();
    }

    /**
     * For the short-lived commands (migrate, keys, deployments, encryption): only the level of the
     * plain stderr appender of {@code logback.xml} changes. Nothing is queued, so no line is lost
     * when the command exits, and stdout stays free for the command's own output.
     */
    public static void forCommand(String level) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) return;
        ctx.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(level, Level.WARN));
        quietStoreLibraries(ctx);
    }

    public static void apply(String format, String level) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) return;
        ctx.reset();
        Encoder<ILoggingEvent> encoder;
        if (format.equals("json")) {
            LogstashEncoder json = new LogstashEncoder();
            json.setContext(ctx);
            json.start();
            encoder = json;
        } else {
            PatternLayoutEncoder text = new PatternLayoutEncoder();
            text.setContext(ctx);
            text.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{24} - %msg%n");
            text.start();
            encoder = text;
        }
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(ctx);
        console.setTarget("System.err");
        console.setEncoder(encoder);
        console.start();
        // event loops log through a bounded queue and never wait on stderr: when it is full, lines are dropped
        AsyncAppender async = new AsyncAppender();
        async.setContext(ctx);
        async.setQueueSize(8192);
        async.setDiscardingThreshold(0);
        async.setNeverBlock(true);
        async.addAppender(console);
        ClientProtocolNoise noise = new ClientProtocolNoise();
        noise.setContext(ctx);
        noise.start();
        async.addFilter(noise);
        async.start();
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level, Level.INFO));
        root.addAppender(async);
        ctx.getLogger("io.netty").setLevel(Level.WARN);
        ctx.getLogger("io.vertx").setLevel(Level.WARN);
        // While a drain stops the listeners, connections the kernel already accepted find no event
        // loop to take them and are closed with a WARN and a stack trace each (Vert.x issue 6087).
        // Under a burst of reconnects on io_uring, writing thousands of those kept the acceptor
        // busy for seconds, the listening socket open, and once cut an in-flight HTTP/2 stream.
        ctx.getLogger("io.netty.bootstrap.ServerBootstrap").setLevel(Level.ERROR);
        quietStoreLibraries(ctx);
    }

    /** The store libraries narrate every start (pool up, schema checked) at INFO; their warnings still show. */
    private static void quietStoreLibraries(LoggerContext ctx) {
        ctx.getLogger("org.flywaydb").setLevel(Level.WARN);
        ctx.getLogger("com.zaxxer.hikari").setLevel(Level.WARN);
    }
}
