// Placeholder until the local host lands.
return 0;
