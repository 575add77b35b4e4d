#include "ml/market/universe.hpp"
