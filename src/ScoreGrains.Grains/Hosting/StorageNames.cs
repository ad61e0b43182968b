namespace ScoreGrains.Grains.Hosting;

internal static class StorageNames
{
    /// <summary>Grain storage provider for subject state. One grain class only ever uses it, so the
    /// provider's missing grain class in the stored key (dotnet/orleans#8746) cannot mix two types' rows.</summary>
    public const string Subjects = "subjects";

    /// <summary>Orleans' ADO.NET grain storage that <see cref="Subjects.SubjectStateStorage"/> writes snapshots with.</summary>
    public const string SubjectsAdoNet = "subjects-adonet";

    /// <summary>State name of <see cref="Subjects.SubjectState"/>.</summary>
    public const string SubjectState = "subject";
}
