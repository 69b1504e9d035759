// The bridge command line; the harness is added in its own change.
return 0;
