namespace ScoreGrains.Silo.Api;

internal static class ScoreGrainsApiExtensions
{
    public static WebApplicationBuilder AddScoreGrainsApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiOptions>()
            .Bind(builder.Configuration.GetSection(ApiOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.ConfigureHttpJsonOptions(options => ApiJson.Configure(options.SerializerOptions));
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<DatabaseUnavailableHandler>();
        builder.Services.AddOpenApi(options => options
            .AddDocumentTransformer<Security.ApiKeyOpenApiTransformer>()
            .AddOperationTransformer<Security.ApiKeyOpenApiTransformer>());
        return builder;
    }

    /// <summary>Errors as problem+json: first in the pipeline, so every later middleware's failures are answered too.</summary>
    public static WebApplication UseScoreGrainsErrorResponses(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    public static WebApplication MapScoreGrainsApi(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.MapSignalEndpoints();
        app.MapSubjectEndpoints();
        app.MapSubjectExportEndpoint();
        app.MapDisputeEndpoints();
        app.MapModelEndpoints();
        return app;
    }
}
