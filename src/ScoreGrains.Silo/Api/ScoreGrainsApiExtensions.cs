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
        builder.Services.AddOpenApi();
        return builder;
    }

    public static WebApplication MapScoreGrainsApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApi();
        app.MapSignalEndpoints();
        app.MapSubjectEndpoints();
        return app;
    }
}
