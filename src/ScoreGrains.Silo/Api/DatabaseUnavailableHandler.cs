using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ScoreGrains.Silo.Api;

/// <summary>
/// Endpoints that read PostgreSQL directly (history, the crossing feed and its stream) answer 503 with
/// <c>Retry-After</c> while the database cannot be reached, like ingestion does, instead of a bare 500: the request
/// was fine and the same one will work once the server is back. Only transient failures (no connection, the
/// server shutting down or starting, a timeout): any other database error is a bug and stays a 500.
/// </summary>
internal sealed class DatabaseUnavailableHandler(IProblemDetailsService problems, ILogger<DatabaseUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not NpgsqlException { IsTransient: true } || http.Response.HasStarted)
        {
            return false;
        }

        logger.LogWarning("{Path}: the database is unavailable ({Message}); answered 503", http.Request.Path, exception.Message);
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = "1";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The database is unavailable; retry shortly.",
                Detail = exception.Message,
            },
        });
    }
}
