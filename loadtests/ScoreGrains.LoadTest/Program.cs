using ScoreGrains.LoadTest;

return await LoadTestApp.RunAsync(args);
