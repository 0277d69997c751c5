using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Filecheck.Testing;

/// <summary>
/// An <see cref="ILoggerProvider"/> that keeps every line a test host logs, at every level (its own filter rule lets Trace
/// through whatever <c>Logging:LogLevel</c> says): the formatted message, its structured values, its scopes and the
/// exception with its stack, as one text per line, so a test can search all of it.
/// </summary>
public sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<CapturedLog> _lines = new();
    private IExternalScopeProvider? _scopes;

    public IReadOnlyCollection<CapturedLog> Lines => _lines;

    /// <summary>Adds the capture to a host's logging, below every configured level.</summary>
    public ILoggingBuilder AddTo(ILoggingBuilder logging)
    {
        logging.AddProvider(this);
        // A rule for this provider alone beats the configuration's category rules (Microsoft.AspNetCore: Warning, ...).
        logging.AddFilter<LogCapture>(null, LogLevel.Trace);
        return logging;
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = new StringBuilder();
            text.Append(formatter(state, exception));
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach (var (key, value) in pairs) text.Append(" | ").Append(key).Append('=').Append(value);
            }
            owner._scopes?.ForEachScope((scope, line) => line.Append(" | scope ").Append(scope), text);
            if (exception is not null) text.Append('\n').Append(exception);
            owner._lines.Enqueue(new CapturedLog(category, logLevel, eventId, formatter(state, exception), exception, text.ToString()));
        }
    }
}

/// <param name="Text">The message, its structured values, its scopes and the exception (with its stack), as one text.</param>
public sealed record CapturedLog(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception, string Text);
