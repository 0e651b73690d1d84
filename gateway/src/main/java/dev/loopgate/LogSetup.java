package dev.loopgate;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logging set up in code (found by logback through {@code META-INF/services}): parsing a logback.xml costs about a
 * quarter of a second of a cold start. Human-readable lines go to stdout; the access log ({@code loopgate.access})
 * goes through an async appender that drops lines under overload rather than slow the proxy down.
 * {@code LOOPGATE_LOG_LEVEL} and {@code LOOPGATE_ACCESS_LOG} (e.g. {@code OFF}) set the levels.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(level("LOOPGATE_LOG_LEVEL", Level.INFO));
        root.addAppender(console(context, "console", "%d{HH:mm:ss.SSS} %-5level %logger{0}: %msg%n"));

        AsyncAppender async = new AsyncAppender();
        async.setContext(context);
        async.setName("access");
        async.setQueueSize(8192);
        async.setDiscardingThreshold(0);
        async.setNeverBlock(true);
        async.addAppender(console(context, "access-console", "%d{HH:mm:ss.SSS} %msg%n"));
        async.start();
        Logger access = context.getLogger("loopgate.access");
        access.setAdditive(false);
        access.setLevel(level("LOOPGATE_ACCESS_LOG", Level.INFO));
        access.addAppender(async);

        context.getLogger("io.netty").setLevel(Level.WARN);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static ConsoleAppender<ILoggingEvent> console(LoggerContext context, String name, String pattern) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(pattern);
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName(name);
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }

    private static Level level(String variable, Level fallback) {
        String v = System.getenv(variable);
        return v == null || v.isBlank() ? fallback : Level.toLevel(v.trim(), fallback);
    }
}
