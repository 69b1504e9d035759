namespace Bridge;

/// <summary>Which part of a data set that ships already split.</summary>
public enum DataSplit
{
    Train,
    Test,
}
