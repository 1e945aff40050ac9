package membudget

// For the external tests.
var LimitOn = limitOn
